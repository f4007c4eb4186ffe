"""CSV and XLSX exports of the matrix, safe to open in a spreadsheet: the one path the DSL's downloads and the
evidence pack share.

Any text cell beginning with = + - @, a tab or a carriage return is prefixed with a single quote, as OWASP
recommends against formula injection; names and course titles come from people, not from us.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..models import Course, Policy
from .matrix import MatrixRow

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PERSON_COLUMNS = ["Last name", "First name", "Email", "School", "Staff group"]
Value = str | date | None
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class ExportAbout:
    """What an export says about itself: whose figures, which day and filters, who took it and when."""

    scope: str
    day: date
    filters: str
    made_by: str
    stamp: datetime

    @property
    def title(self) -> str:
        """The workbook's title line."""
        return f"Safeguarding training compliance as at {self.day.day} {self.day:%B %Y}: {self.scope}"

    def notes(self, with_policies: bool) -> str:
        """The workbook's notes line: the filters, what "covered" means, and who exported it when."""
        covered = "Covered means Compliant or Due soon" + ("; a policy counts once the version in effect is "
                                                           "acknowledged" if with_policies else "")
        return (f"{self.filters}. Requirements as currently set. {covered}. Exported {self.stamp.day} "
                f"{self.stamp:%B %Y, %H:%M} UTC by {self.made_by}.")


def export_bytes(kind: str, rows: Sequence[MatrixRow], courses: Sequence[Course], policies: Sequence[Policy],
                 about: ExportAbout) -> tuple[bytes, str]:
    """The CSV ("csv") or XLSX export of the rows, courses then policies, with its MIME type."""
    header, body = table(rows, courses, policies)
    if kind == "csv":
        return to_csv(header, body), CSV
    return to_xlsx(about.title, about.notes(bool(policies)), f"As at {about.day.isoformat()}", header, body), XLSX


def neutralise(value: Value) -> Value:
    """Prefix a quote to text a spreadsheet would otherwise run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def table(rows: Sequence[MatrixRow], courses: Sequence[Course],
          policies: Sequence[Policy] = ()) -> tuple[list[str], list[list[Value]]]:
    """Header and rows: the person, each course's status and the expiry behind it, then each policy's status."""
    header = PERSON_COLUMNS + [part for c in courses for part in (f"{c.title}: status", f"{c.title}: valid until")]
    header += [part for p in policies for part in (f"{p.title}: status", f"{p.title}: acknowledged on or due by")]
    body: list[list[Value]] = []
    for row in rows:
        line: list[Value] = [row.last_name, row.first_name, row.email, row.school, row.group]
        for cell in row.cells:
            line += [cell.described, cell.valid_until]
        for policy_cell in row.policy_cells:
            line += [policy_cell.label, policy_cell.date_shown]
        body.append(line)
    return [str(neutralise(h)) for h in header], [[neutralise(v) for v in line] for line in body]


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Value]]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads accents correctly); dates as YYYY-MM-DD."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for line in rows:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else v for v in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _widths(header: Sequence[str], rows: Sequence[Sequence[Value]]) -> list[int]:
    widths = [len(h) for h in header]
    for line in rows:
        for i, v in enumerate(line):
            widths[i] = max(widths[i], 10 if isinstance(v, date) else len(v or ""))
    return [min(max(w + 2, 10), 50) for w in widths]


def to_xlsx(title: str, notes: str, sheet: str, header: Sequence[str], rows: Sequence[Sequence[Value]]) -> bytes:
    """A workbook with a title and notes row, a bold frozen header, sized columns and real date cells."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet_title(sheet))
    for i, width in enumerate(_widths(header, rows), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C4"  # keeps the title, notes, header and the two name columns in view
    bold = Font(bold=True)

    def styled(value: str, font: Font) -> WriteOnlyCell:
        """A text cell in the given font (write-only sheets style cells one by one)."""
        cell = WriteOnlyCell(ws, value=neutralise(value))
        cell.font = font
        return cell

    ws.append([styled(title, Font(bold=True, size=14))])
    ws.append([neutralise(notes)])
    ws.append([styled(h, bold) for h in header])
    for line in rows:
        ws.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_title(text: str) -> str:
    """A valid sheet name: no []:*?/\\ and at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "-", text)[:31] or "Compliance"


def slug(text: str) -> str:
    """ASCII letters, digits and hyphens, for file names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:60] or "school"


def file_name(scope: str, day: date, extension: str) -> str:
    """e.g. "compliance_demo-academy_2026-11-23.xlsx"."""
    return f"compliance_{slug(scope)}_{day.isoformat()}.{extension}"
