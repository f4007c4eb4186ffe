"""Carrying checked CSV rows from preview to confirmation (signed), and applying them all-or-nothing."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..models import Role, User
from .csv_import import ParsedFile, Preview
from .session_store import end_all_sessions
from .tokens import clock_serializer

SALT = "quizapp.users.csv-import"
PAYLOAD_MAX_AGE = timedelta(hours=1)
# Werkzeug parses at most 500 kB of ordinary form fields; stay below it.
MAX_PAYLOAD_CHARS = 450_000
STEP = 50  # rows flushed together when someone is following the progress


class PayloadError(ValueError):
    """The confirmation cannot be used (expired, tampered or for someone else); the message says what to do."""


@dataclass(frozen=True)
class ImportResult:
    """What an applied import did."""

    created: list[User]
    updated: int
    unchanged: int


def sign_payload(secret_key: str, parsed: ParsedFile, preview: Preview, actor: User, filename: str,
                 now: datetime) -> str:
    """The checked rows, signed (and compressed) for the confirmation form; PayloadError if too large."""
    token = clock_serializer(secret_key, SALT, now).dumps(
        {"a": actor.id, "c": parsed.columns, "r": parsed.rows, "d": preview.digest(), "f": filename[:200]})
    if len(token) > MAX_PAYLOAD_CHARS:
        raise PayloadError("This file is too large to confirm in one go. Split it into two files and import each.")
    return token


def read_payload(secret_key: str, token: str, actor: User, now: datetime) -> tuple[ParsedFile, str, str]:
    """The rows, plan fingerprint and file name from a confirmation form; PayloadError when unusable."""
    try:
        data = clock_serializer(secret_key, SALT, now).loads(token, max_age=int(PAYLOAD_MAX_AGE.total_seconds()))
    except SignatureExpired:
        raise PayloadError("This preview is more than an hour old. Upload the file again.") from None
    except BadSignature:
        raise PayloadError("This preview could not be checked. Upload the file again.") from None
    if data.get("a") != actor.id:
        raise PayloadError("This preview was made by someone else. Upload the file again.")
    rows = [(int(number), [str(cell) for cell in cells]) for number, cells in data["r"]]
    return ParsedFile(list(data["c"]), rows), str(data["d"]), str(data["f"])


def _new_user(row_email: str, first: str, last: str, values: dict[str, Any]) -> User:
    return User(email=row_email, first_name=first, last_name=last, role=values.get("role", Role.STAFF.value),
                school_id=values.get("school_id"), staff_group_id=values.get("staff_group_id"),
                extra_time_pct=values.get("extra_time_pct", 0), active=True)


def apply(session: Session, preview: Preview, actor: User, filename: str,
          progress: Callable[[int], None] | None = None) -> ImportResult:
    """Create and update every planned person in the caller's transaction (flush only); audit each change.

    `progress`, if given, is told how many rows are applied so far, every STEP rows (still one transaction).
    """
    if not preview.ok:
        raise ValueError("only a preview without problems can be applied")
    creates, updates = preview.of("create"), preview.of("update")
    created = [_new_user(row.email, row.first_name, row.last_name, row.values) for row in creates]
    targets = {user.id: user for user in session.scalars(
        select(User).where(User.id.in_([row.user_id for row in updates])))} if updates else {}
    for start in range(0, len(created), STEP):
        session.add_all(created[start:start + STEP])
        session.flush()
        if progress is not None:
            progress(start + len(created[start:start + STEP]))
    for start in range(0, len(updates), STEP):
        for row in updates[start:start + STEP]:
            if row.user_id is None:
                raise ValueError("an update row always names the person it updates")
            user = targets[row.user_id]
            user.first_name, user.last_name = row.first_name, row.last_name
            for name, value in row.values.items():
                setattr(user, name, value)
        session.flush()
        if progress is not None:
            progress(len(created) + start + len(updates[start:start + STEP]))
    for user in created:
        record(session, actor, "user.create", f"user:{user.id}", email=user.email, role=user.role, via="import")
    for row in updates:
        record(session, actor, "user.update", f"user:{row.user_id}", changes=row.changes, via="import")
        if row.user_id is not None and ("role" in row.changes or "active" in row.changes):
            end_all_sessions(session, targets[row.user_id], actor, "changed by import")
    record(session, actor, "user.import", filename, created=len(created), updated=len(updates),
           unchanged=len(preview.of("unchanged")))
    return ImportResult(created, len(updates), len(preview.of("unchanged")))
