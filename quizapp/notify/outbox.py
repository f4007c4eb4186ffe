"""The mail outbox: messages rendered and stored in the caller's transaction, and the progress of a batch.

Nothing here sends: a row is added (flush only) and the session is marked, so the task queue is woken once
the transaction commits (quizapp/jobs). A message that cannot be built is stored as failed with the reason,
so one bad name never stops the others.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from jinja2 import TemplateError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..models import (
    BankReviewAlert,
    OutboxBatch,
    OutboxMessage,
    OutboxState,
    PolicyReminderLog,
    PolicyReviewAlert,
    ReminderLog,
)
from .mail import BUILD_ERRORS, build_message
from .messages import Recipient, render_mail

# session.info key: how many rows this transaction queued, so the queue is woken (once) after the commit.
WAKE = "quizapp.outbox_wake"
# The log tables whose rows a message stands for; a message that fails for good marks them failed, so the
# weekly throttle (or the once-only alert) lets the next run try again.
LOGS: dict[str, Any] = {"reminder_log": ReminderLog, "policy_reminder_log": PolicyReminderLog,
                        "bank_review_alert": BankReviewAlert, "policy_review_alert": PolicyReviewAlert}


def related_ids(**logs: Sequence[Any]) -> dict[str, list[int]]:
    """{"reminder_log": [ids], ...} for flushed log rows, leaving out empty kinds."""
    return {name: [row.id for row in rows] for name, rows in logs.items() if rows}


def fail_related(session: Session, related: Mapping[str, Sequence[int]]) -> None:
    """Mark the log rows a message stood for as failed."""
    for name, ids in related.items():
        model = LOGS.get(name)
        if model is not None and ids:
            session.execute(update(model).where(model.id.in_(ids)).values(status="failed")
                            .execution_options(synchronize_session=False))


def queue_mail(session: Session, template: str, subject: str, to: Recipient, *, kind: str, now: datetime,
               user_id: int | None = None, batch: OutboxBatch | None = None,
               related: Mapping[str, Sequence[int]] | None = None, **context: Any) -> OutboxMessage:
    """Render mail/TEMPLATE for `to` and add one outbox row (flush only); a message that cannot be built is
    stored as failed, with the reason, and its log rows are marked failed."""
    row = OutboxMessage(kind=kind, user_id=user_id, recipient=to.email, recipient_name=to.full_name,
                        subject=subject, related=dict(related or {}), batch_id=batch.id if batch else None,
                        state=OutboxState.PENDING.value, attempts=0, not_before=now, created_at=now,
                        text_body="", html_body=None)
    try:
        row.text_body, row.html_body = render_mail(template, person=to, **context)
        # Building it now finds a broken header (a name with a line break) while the planner can still say so.
        build_message(current_app.config.get("MAIL_FROM") or "quizapp@localhost", to.email, subject,
                      row.text_body, row.html_body, to_name=to.full_name)
    except (*BUILD_ERRORS, TemplateError) as exc:
        row.state, row.last_error = OutboxState.FAILED.value, f"could not be built: {exc}"
        fail_related(session, row.related)
    else:
        session.info[WAKE] = session.info.get(WAKE, 0) + 1
    session.add(row)
    return row


@dataclass
class Progress:
    """How a batch is going: counts by state and the failures by person."""

    total: int = 0
    sent: int = 0
    waiting: int = 0
    failed: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (name, address, reason)

    @property
    def done(self) -> bool:
        """Whether nothing is left to send."""
        return self.waiting == 0

    def as_dict(self) -> dict[str, Any]:
        """The figures for the page's script."""
        return {"total": self.total, "sent": self.sent, "waiting": self.waiting, "failed": self.failed,
                "done": self.done, "failures": [{"name": n, "email": e, "reason": r} for n, e, r in self.failures]}


def batch_progress(session: Session, batch_id: int) -> Progress:
    """Sent, waiting and failed out of the total for one batch: two queries whatever its size."""
    progress = Progress()
    for state, count in session.execute(select(OutboxMessage.state, func.count()).where(
            OutboxMessage.batch_id == batch_id).group_by(OutboxMessage.state)):
        progress.total += count
        if state == OutboxState.SENT.value:
            progress.sent += count
        elif state == OutboxState.FAILED.value:
            progress.failed += count
        else:
            progress.waiting += count
    if progress.failed:
        progress.failures = [tuple(row) for row in session.execute(  # type: ignore[misc]
            select(OutboxMessage.recipient_name, OutboxMessage.recipient, OutboxMessage.last_error)
            .where(OutboxMessage.batch_id == batch_id, OutboxMessage.state == OutboxState.FAILED.value)
            .order_by(OutboxMessage.recipient_name, OutboxMessage.id))]
    return progress
