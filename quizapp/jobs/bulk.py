"""Bulk jobs: recorded by a request, run once by a worker, followed on a progress page, tidied after a day.

A request calls `start_job` (flush only); the queue is told after its transaction commits, so the worker never
looks for a row it cannot see yet. The worker runs the job's kind in its own transaction(s); a failure leaves
the row failed with the reason in plain words, and no file behind.
"""
from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from ..config import now
from ..extensions import db
from ..models import BulkJob, JobKind, JobState, User

# session.info key: ids of jobs this transaction recorded, queued once it commits.
QUEUE = "quizapp.bulk_jobs"
# session.info key: files of jobs this transaction withdrew, deleted once it commits.
WITHDRAWN = "quizapp.withdrawn_job_files"
KEEP_FILES = timedelta(days=1)
# A job whose built file can still be downloaded.
HOLDS_FILE = and_(BulkJob.state == JobState.READY.value, BulkJob.file_token.is_not(None))
log = logging.getLogger(__name__)


Runner = Callable[[Session, BulkJob, Flask], dict[str, Any]]


def live_key(job_id: int) -> str:
    """The queue storage key of a running import's rows done (its transaction cannot show them)."""
    return f"quizapp.job-progress.{job_id}"


def live_done(app: Flask, job: BulkJob) -> int:
    """Rows done so far: what the worker last said for a running import, else the row's own count."""
    if job.kind != JobKind.PEOPLE_IMPORT.value or job.state != JobState.RUNNING.value:
        return job.done
    from .queue import get_huey

    try:
        value = get_huey(app).get(live_key(job.id), peek=True)
    except Exception:  # noqa: BLE001 - the page then shows the count it has, not an error
        log.exception("Could not read the progress of job %s", job.id)
        return job.done
    return int(value) if isinstance(value, int) else job.done


def files_dir(app: Flask) -> Path:
    """Where job files are kept: QUIZAPP_JOB_FILES_DIR, else instance/job-files."""
    return Path(app.config.get("JOB_FILES_DIR") or Path(app.instance_path) / "job-files")


def start_job(session: Session, kind: JobKind, actor: User, school_id: int | None, params: dict[str, Any],
              total: int = 0) -> BulkJob:
    """Record a job (flush only) and queue it for when this transaction commits."""
    job = BulkJob(kind=kind.value, state=JobState.QUEUED.value, school_id=school_id, created_by_id=actor.id,
                  params=params, total=total, created_at=now(),
                  file_token=secrets.token_urlsafe(24) if kind is JobKind.EVIDENCE_PACK else None)
    session.add(job)
    session.flush()
    session.info.setdefault(QUEUE, []).append(job.id)
    return job


def _runners() -> dict[str, Runner]:
    from ..people.import_job import run_import
    from ..training.pack_job import build_pack

    def pack(session: Session, job: BulkJob, app: Flask) -> dict[str, Any]:
        job.file_size = build_pack(session, job, files_dir(app))
        job.file_name = job.params["file_name"]
        return {}

    def people(session: Session, job: BulkJob, app: Flask) -> dict[str, Any]:
        from .queue import get_huey

        huey = get_huey(app)
        return run_import(session, job, lambda done: huey.put(live_key(job.id), done))

    return {JobKind.EVIDENCE_PACK.value: pack, JobKind.PEOPLE_IMPORT.value: people}


def _claim(session: Session, job_id: int) -> BulkJob | None:
    """The queued job, marked running; None if another consumer has it or it is gone (at most once)."""
    claimed = session.execute(update(BulkJob).where(BulkJob.id == job_id, BulkJob.state == JobState.QUEUED.value)
                              .values(state=JobState.RUNNING.value)).rowcount  # type: ignore[attr-defined]
    session.commit()
    return session.get(BulkJob, job_id) if claimed == 1 else None


def run_job(app: Flask, job_id: int) -> str:
    """Run one queued job to the end (the worker's task); its final state."""
    with app.app_context():
        session = db.session
        job = _claim(session, job_id)
        if job is None:
            return "not queued"
        try:
            job.result = _runners()[job.kind](session, job, app)
            job.state, job.done, job.finished_at = JobState.READY.value, job.total, now()
            session.commit()
        except Exception as exc:  # noqa: BLE001 - any failure is shown on the page, not lost in a log
            session.rollback()
            _fail(session, job_id, exc)
        if job.kind == JobKind.PEOPLE_IMPORT.value:
            _forget_rows(session, job_id)
            _forget_count(app, job_id)
        return job.state


def _forget_rows(session: Session, job_id: int) -> None:
    """Drop a finished import's rows (names and e-mails): they were kept only to apply them, and now never will be."""
    finished = session.get(BulkJob, job_id)
    if finished is not None and "rows" in finished.params:
        finished.params = {key: value for key, value in finished.params.items() if key != "rows"}
        session.commit()


def _forget_count(app: Flask, job_id: int) -> None:
    """Drop a finished import's count from the queue's storage (the row now has the final one)."""
    from .queue import get_huey

    try:
        get_huey(app).get(live_key(job_id))  # reading without peek removes it
    except Exception:  # noqa: BLE001 - a stale count is never read: the job is no longer running
        log.exception("Could not remove the progress of job %s", job_id)


def _fail(session: Session, job_id: int, exc: Exception) -> None:
    """Mark the job failed with a reason people can act on (the import's own, or a plain one)."""
    from ..people.import_job import ImportFailed

    details: dict[str, Any] = {}
    if isinstance(exc, ImportFailed):
        reason, details = str(exc), {"problems": exc.problems}
    else:
        log.exception("Bulk job %s failed", job_id, exc_info=exc)
        reason = ("Something went wrong while doing this, and nothing was changed. Try again; if it happens again, "
                  "tell your administrator.")
    failed = session.get(BulkJob, job_id)
    if failed is not None:
        failed.state, failed.error, failed.result, failed.finished_at = JobState.FAILED.value, reason, details, now()
        session.commit()


def withdraw_files(session: Session, which: ColumnElement[bool], why: str) -> int:
    """Stop the ready files of jobs matching `which` being downloaded (`why` on its page); they go at commit."""
    withdrawn = session.scalars(select(BulkJob).where(which, HOLDS_FILE)).all()
    for job in withdrawn:
        job.state, job.error = JobState.EXPIRED.value, why
        session.info.setdefault(WITHDRAWN, []).append(job.file_token)
    return len(withdrawn)


def remove_withdrawn(session: Session) -> None:
    """Delete the files a committed transaction withdrew (the daily sweep removes any a crash left behind)."""
    tokens = session.info.pop(WITHDRAWN, [])
    if not tokens or not has_app_context():
        return
    folder = files_dir(current_app)
    for token in tokens:
        for leftover in (f"{token}.part", f"{token}.zip"):
            (folder / leftover).unlink(missing_ok=True)


def forget_withdrawn(session: Session) -> None:
    """A rolled-back transaction withdrew nothing: its jobs are still ready, so their files stay."""
    session.info.pop(WITHDRAWN, None)


def expire_files(session: Session, folder: Path, moment: datetime) -> int:
    """Remove job files older than KEEP_FILES and mark their rows expired; how many files."""
    cutoff = moment - KEEP_FILES
    old = session.scalars(select(BulkJob).where(HOLDS_FILE, BulkJob.created_at < cutoff)).all()
    for job in old:
        job.state = JobState.EXPIRED.value
    # A worker killed mid-job leaves it running (or, with its queue lost, queued): after a day, say so.
    session.execute(update(BulkJob).where(BulkJob.state.in_((JobState.QUEUED.value, JobState.RUNNING.value)),
                                          BulkJob.created_at < cutoff)
                    .values(state=JobState.FAILED.value, finished_at=moment,
                            error="The worker stopped before finishing this, and nothing was changed. Try again."))
    session.flush()
    # Expired files (just now, or withdrawn earlier by an erasure a crash kept from deleting them) and a failed
    # job's leftovers go once: with the token cleared, the next day's run need not look again.
    for job in session.scalars(select(BulkJob).where(BulkJob.file_token.is_not(None), or_(
            BulkJob.state == JobState.EXPIRED.value,
            and_(BulkJob.state == JobState.FAILED.value, BulkJob.created_at < cutoff)))):
        for leftover in (f"{job.file_token}.part", f"{job.file_token}.zip"):
            (folder / leftover).unlink(missing_ok=True)
        job.file_token = None
    return len(old)
