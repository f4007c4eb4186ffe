"""The tasks: send the outbox, and the periodic ones (every minute, and the daily jobs at the reminder hour)."""
from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask
from huey import Huey, crontab

from ..config import now
from ..extensions import db
from ..notify.delivery import Claimed, DeliveryPolicy, build_or_fail, claim_next, finish, next_due, waiting_count
from ..notify.mail import Mailer, Outcome, settings_for
from .daily import run_daily

log = logging.getLogger(__name__)


def send_outbox(app: Flask, huey: Huey) -> int:
    """Send messages until none is due; reschedule itself for a rate-limit wait or a retry soon due."""
    sent = 0
    with app.app_context():
        policy, settings = DeliveryPolicy.from_config(app.config), settings_for(app)
        with Mailer(settings) as mailer:
            while True:
                claimed = claim_next(db.session, now(), policy)
                if not isinstance(claimed, Claimed):
                    break
                message = build_or_fail(claimed.row, settings.sender)
                outcome = message if isinstance(message, Outcome) else mailer.send(message)
                if finish(db.session, claimed, outcome, now(), policy) == "sent":
                    sent += 1
                elif outcome.problem:
                    log.warning("Mail %s to %s: %s", claimed.row.id, claimed.row.recipient, outcome.problem)
        wait = claimed if isinstance(claimed, float) else _retry_wait(now(), policy)
        if wait is not None:
            huey.send_outbox.schedule(delay=wait)
    return sent


def _retry_wait(moment: datetime, policy: DeliveryPolicy) -> float | None:
    """Seconds until the next waiting message may be tried, when that is within the minute (else the sweep)."""
    due = next_due(db.session, policy)
    if due is None:
        return None
    seconds = (due - moment).total_seconds()
    return max(seconds, 0.0) if seconds < 60 else None


def every_minute(app: Flask, huey: Huey) -> None:
    """Finalise attempts past their deadline, and start a sender if mail is waiting (a wake-up may be lost)."""
    from ..certificates.issue import on_pass
    from ..quiz.attempts import close_expired

    with app.app_context():
        # close_expired is idempotent: finalising is a conditional update, so two consumers may both run it.
        closed = close_expired(db.session, now(), on_pass)
        db.session.commit()
        if closed:
            log.info("Closed %s expired attempts", closed)
        if waiting_count(db.session, now(), DeliveryPolicy.from_config(app.config)):
            huey.enqueue(huey.send_outbox.s())
        db.session.rollback()


def on_the_hour(moment: datetime) -> bool:
    """Huey's test for the hourly tick (the daily jobs look at the UK hour themselves)."""
    return moment.minute == 0


def register_tasks(huey: Huey, app: Flask) -> None:
    """Register this app's tasks on a Huey instance (callers enqueue huey.send_outbox and huey.run_job)."""

    def _send_outbox() -> int:
        return send_outbox(app, huey)

    def _every_minute() -> None:
        every_minute(app, huey)

    def _daily_jobs() -> None:
        with app.app_context():
            run_daily(app, now())

    def _run_job(job_id: int) -> str:
        from .bulk import run_job

        return run_job(app, job_id)

    huey.send_outbox = huey.task(name="send_outbox")(_send_outbox)
    huey.run_job = huey.task(name="run_job")(_run_job)
    huey.periodic_task(crontab(), name="every_minute")(_every_minute)
    huey.periodic_task(on_the_hour, name="daily_jobs")(_daily_jobs)
