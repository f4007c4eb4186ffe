"""Reading an uploaded CSV file of people: size, encoding, delimiter, header and rows."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

COLUMNS = ("email", "first_name", "last_name", "role", "school", "staff_group", "extra_time_pct")
REQUIRED_COLUMNS = ("email", "first_name", "last_name")
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
SAVE_AS_UTF8 = "In Excel choose File > Save As and pick \"CSV UTF-8 (Comma delimited) (*.csv)\", then upload it again."


class ImportRefused(ValueError):
    """The file as a whole cannot be read (size, encoding, header); the message says what to do."""


@dataclass(frozen=True)
class ParsedFile:
    """The recognised columns and the non-blank data rows, each with its row number in the file."""

    columns: list[str]
    rows: list[tuple[int, list[str]]]


def decode(data: bytes) -> str:
    """The file's text (UTF-8 with or without BOM, or UTF-16 with BOM); ImportRefused otherwise."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            f"The file is {len(data) / 1048576:.1f} MB; the limit is 2 MB. Split it into smaller files."
        )
    if data.startswith(b"PK\x03\x04"):
        raise ImportRefused(f"This is an Excel workbook, not a CSV file. {SAVE_AS_UTF8}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportRefused(f"The file could not be read as UTF-16 text. {SAVE_AS_UTF8}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            f"The file is not saved as UTF-8 (the first unreadable character is on row {line}), "
            f"so names with accents would be garbled. {SAVE_AS_UTF8}"
        ) from None
    if "\x00" in text:
        raise ImportRefused(f"This does not look like a CSV file. {SAVE_AS_UTF8}")
    return text


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    # Excel saves with ";" where "," is the decimal separator, and "Unicode text" with tabs.
    return max((",", ";", "\t"), key=first_line.count)


def _header(cells: list[str]) -> list[str]:
    names = [cell.strip().lstrip("\ufeff").lower().replace(" ", "_").replace("-", "_") for cell in cells]
    while names and not names[-1]:
        names.pop()
    unknown = [name or "(blank)" for name in names if name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if unknown or missing or duplicated:
        parts = (
            ([f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}"] if unknown else [])
            + ([f"missing {', '.join(missing)}"] if missing else [])
            + ([f"{', '.join(duplicated)} more than once"] if duplicated else [])
        )
        raise ImportRefused(
            f"Row 1 (the header) has {'; '.join(parts)}. The columns are: {', '.join(COLUMNS)}. "
            "Download the template to start from the right header."
        )
    return names


def parse(text: str) -> ParsedFile:
    """Split the text into the header's columns and non-blank rows; ImportRefused for a bad header or too many rows."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader, None)
        if header is None:
            raise ImportRefused("The file is empty. Download the template, fill it in and upload it.")
        columns = _header(header)
        rows: list[tuple[int, list[str]]] = []
        for number, cells in enumerate(reader, start=2):
            if any(cell.strip() for cell in cells):
                rows.append((number, cells))
                if len(rows) > MAX_ROWS:
                    raise ImportRefused(
                        f"The file has more than {MAX_ROWS:,} people; the limit is {MAX_ROWS:,}. "
                        "Split it into smaller files."
                    )
    except csv.Error as exc:
        raise ImportRefused(
            f"Row {reader.line_num} could not be read as CSV ({exc}). Check for a stray quotation mark."
        ) from None
    if not rows:
        raise ImportRefused("The file has a header but no people in it.")
    return ParsedFile(columns, rows)
