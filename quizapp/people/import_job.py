"""A large people import, confirmed by the worker: checked again and applied in one transaction, or not at all.

Its rows-done count cannot go in the job's row (that would commit the import half done), so the worker tells
the caller's `progress`, which keeps it in the queue's own storage for the page to read.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import BulkJob, User
from .csv_apply import apply
from .csv_import import ParsedFile, check


class ImportFailed(Exception):
    """Nothing was imported; the message names the row and field, `problems` lists every one."""

    def __init__(self, message: str, problems: list[list[Any]] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def import_params(parsed: ParsedFile, digest: str, filename: str) -> dict[str, Any]:
    """The checked rows and the preview's fingerprint, as JSON for the job."""
    return {"columns": parsed.columns, "rows": parsed.rows, "digest": digest, "filename": filename}


def run_import(session: Session, job: BulkJob, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Check the rows again and apply them all (the caller commits); ImportFailed, with nothing changed, if not."""
    params = job.params
    actor = session.get(User, job.created_by_id) if job.created_by_id else None
    if actor is None:
        raise ImportFailed("The person who asked for this import no longer has an account, so nothing was imported.")
    parsed = ParsedFile(list(params["columns"]), [(int(n), [str(c) for c in cells]) for n, cells in params["rows"]])
    result = check(session, parsed, actor)
    if result.problems:
        first = result.problems[0]
        raise ImportFailed(f"Nothing was imported: row {first.row}, {first.column}: {first.message}",
                           [[p.row, p.column, p.message] for p in result.problems])
    if result.digest() != params["digest"]:
        raise ImportFailed("People changed since your preview, so nothing was imported. Upload the file again "
                           "to see what it would do now.")
    try:
        done = apply(session, result, actor, params["filename"], progress)
    except IntegrityError:
        raise ImportFailed("Someone else added some of these people at the same moment, so nothing was imported. "
                           "Upload the file again to see what it would do now.") from None
    created_ids = [user.id for user in done.created]
    updated_ids = [row.user_id for row in result.planned if row.user_id]
    return {"created": len(created_ids), "updated": done.updated, "unchanged": done.unchanged,
            "user_ids": created_ids + updated_ids}
