"""Group sessions (INSET, a visiting speaker): a record per attendee, from ticks or a CSV of e-mails, all or none."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from ..audit import record as audit
from ..models import EvidenceFile, ExternalTraining, User
from .records import TrainingDetails, approve, check_details, record_training

MAX_CSV_BYTES = 1024 * 1024
MAX_ROWS = 5000


class GroupRefused(Exception):
    """The attendee list cannot be used; `problems` names each row (or the file) that is wrong."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


def _rows(data: bytes) -> list[list[str]]:
    if len(data) > MAX_CSV_BYTES:
        raise GroupRefused(["The file is larger than 1 MB."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GroupRefused(["The file is not UTF-8 text: save it as “CSV UTF-8” and try again."]) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise GroupRefused([f"The file cannot be read as CSV: {exc}."]) from None
    if len(rows) > MAX_ROWS:
        raise GroupRefused([f"The file has more than {MAX_ROWS} rows."])
    return rows


def attendees_from_csv(data: bytes, allowed: Sequence[User]) -> list[User]:
    """The people whose e-mails the CSV lists (first column; a header "email" is skipped), or every bad row."""
    by_email = {person.email: person for person in allowed}
    found: dict[int, User] = {}
    problems: list[str] = []
    for number, row in enumerate(_rows(data), start=1):
        value = next((cell.strip() for cell in row if cell.strip()), "")
        if not value or (number == 1 and value.lower() in ("email", "e-mail", "email address")):
            continue
        try:
            email = validate_email(value, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            problems.append(f"Row {number}: “{value[:80]}” is not an e-mail address.")
            continue
        person = by_email.get(email)
        if person is None:
            problems.append(f"Row {number}: nobody on the staff list you can record for has the e-mail {email}.")
        else:
            found[person.id] = person
    if problems:
        raise GroupRefused(problems)
    if not found:
        raise GroupRefused(["The file lists no e-mail addresses."])
    return list(found.values())


def record_group(session: Session, attendees: Sequence[User], details: TrainingDetails,
                 evidence: EvidenceFile | None, recorder: User, now: datetime) -> list[ExternalTraining]:
    """One record per attendee, approved by the recorder (their own attendance waits for someone else)."""
    check_details(session, details, now.date())
    rows = []
    for person in attendees:
        row = record_training(session, person, details, evidence, recorder, now)
        if person.id != recorder.id:
            approve(session, row, recorder, now)
        rows.append(row)
    audit(session, recorder, "external.group", f"externals:{len(rows)}", title=details.title,
          people=[person.id for person in attendees])
    return rows
