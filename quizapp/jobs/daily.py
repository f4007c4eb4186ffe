"""The daily jobs, run once a day at QUIZAPP_REMINDER_HOUR (UK time) by whichever consumer gets there first.

Adding one is one function here, such as the retention run below:

    @daily("retention")
    def retention(session: Session, moment: datetime) -> str:
        return apply_retention(session, moment).describe()

Each job runs in its own transaction together with its `job_run` row for the day; the row's unique key lets
only one of several consumers run it, and a job that fails (or a worker killed mid-run) leaves no row, so the
next hourly tick tries again.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import JobRun, OrgSettings, OutboxBatch, OutboxMessage, OutboxState

UK = ZoneInfo("Europe/London")
KEEP = timedelta(days=90)  # how long sent and failed messages stay (the progress pages read them)
Job = Callable[[Session, datetime], str]
DAILY: dict[str, Job] = {}
log = logging.getLogger(__name__)


def daily(name: str) -> Callable[[Job], Job]:
    """Register a function (session, now) -> one line saying what it did, to run once a day."""
    def register(job: Job) -> Job:
        DAILY[name] = job
        return job
    return register


@daily("reminders")
def reminders(session: Session, moment: datetime) -> str:
    """Queue learner reminders and DSL digests for everyone due (the weekly throttle applies)."""
    from ..config import base_url
    from ..notify.reminder_queue import send_plan
    from ..notify.reminders import plan_reminders

    settings = OrgSettings.current(session)
    plan = plan_reminders(session, moment, settings.due_soon_days)
    return send_plan(session, plan, now=moment, base_url=base_url(), org=settings.org_name).describe()


@daily("review alerts")
def review_alerts(session: Session, moment: datetime) -> str:
    """Queue the policy and question bank review-date alerts to admins (each alert goes once)."""
    from ..notify.bank_reviews import send_bank_review_alerts
    from ..notify.policy_reviews import send_policy_review_alerts

    return " ".join((send_policy_review_alerts(session, moment).describe(),
                     send_bank_review_alerts(session, moment).describe()))


@daily("retention")
def retention(session: Session, moment: datetime) -> str:
    """Anonymise everyone deactivated longer ago than the retention setting (idempotent)."""
    from ..people.retention import apply_retention

    return apply_retention(session, moment).describe()


@daily("sessions purge")
def sessions_purge(session: Session, moment: datetime) -> str:
    """Delete sign-in sessions that have run out (they are refused anyway)."""
    from ..people.session_store import purge_expired

    count = purge_expired(session, moment)
    return f"Deleted {count} ended session{'' if count == 1 else 's'}."


@daily("expire job files")
def expire_job_files(session: Session, moment: datetime) -> str:
    """Remove evidence pack files older than a day; their jobs are marked expired."""
    from flask import current_app

    from .bulk import expire_files, files_dir

    count = expire_files(session, files_dir(current_app), moment)
    return f"Removed {count} job file{'' if count == 1 else 's'} older than a day."


@daily("tidy the outbox")
def tidy_outbox(session: Session, moment: datetime) -> str:
    """Delete sent and failed messages, their batches and the job runs older than KEEP."""
    cutoff = moment - KEEP
    done = (OutboxState.SENT.value, OutboxState.FAILED.value)
    gone = session.execute(delete(OutboxMessage).where(OutboxMessage.state.in_(done),
                                                       OutboxMessage.created_at < cutoff)).rowcount  # type: ignore[attr-defined]
    session.execute(delete(OutboxBatch).where(OutboxBatch.created_at < cutoff, ~select(OutboxMessage.id).where(
        OutboxMessage.batch_id == OutboxBatch.id).exists()))
    session.execute(delete(JobRun).where(JobRun.started_at < cutoff))
    return f"Deleted {gone} message{'' if gone == 1 else 's'} older than {KEEP.days} days."


def due_today(app: Flask, moment: datetime) -> str | None:
    """The UK day to run the daily jobs for, once the reminder hour has come; None before it."""
    local = moment.astimezone(UK)
    return local.date().isoformat() if local.hour >= int(app.config.get("REMINDER_HOUR", 7)) else None


def run_daily(app: Flask, moment: datetime, jobs: dict[str, Job] | None = None) -> dict[str, str]:
    """Run each daily job not yet run today (inside an app context); what each said, or why it did not run."""
    day = due_today(app, moment)
    if day is None:
        return {}
    results = {}
    for name, job in (jobs or DAILY).items():
        results[name] = _run_once(name, job, day, moment)
    return results


def _run_once(name: str, job: Job, day: str, moment: datetime) -> str:
    session = db.session
    run = JobRun(name=name, period=day, started_at=moment)
    session.add(run)
    try:
        session.flush()  # a second consumer waits here, then finds the key taken
    except (IntegrityError, OperationalError):
        session.rollback()
        return "already run today (or running now)"
    try:
        run.outcome = job(session, moment)
        session.commit()
    except Exception as exc:  # noqa: BLE001 - one failing job must not stop the others
        session.rollback()
        log.exception("Daily job %s failed", name)
        return f"failed: {exc}"
    log.info("Daily job %s: %s", name, run.outcome)
    return run.outcome
