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

from jinja2 import TemplateError
from sqlalchemy import func, insert, select, update
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
from .mail import BUILD_ERRORS
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


def header_problem(*values: str) -> str | None:
    """Why these header values cannot go in a message (a line break would smuggle in headers), or None.

    The full build is left to the sender: it costs about 1 ms a message, too much for a request queuing 1,000;
    anything else it finds fails that one message, with the reason, when it is sent.
    """
    for value in values:
        if "\r" in value or "\n" in value:
            return f"could not be built: {value!r} contains a line break"
    return None


@dataclass(frozen=True)
class Draft:
    """One message to queue: mail/TEMPLATE rendered for `to` with `context`."""

    template: str
    subject: str
    to: Recipient
    kind: str
    user_id: int | None = None
    related: Mapping[str, Sequence[int]] = field(default_factory=dict)
    context: Mapping[str, Any] = field(default_factory=dict)


def _values(draft: Draft, now: datetime, batch_id: int | None) -> dict[str, Any]:
    """The outbox row for a draft: rendered, or failed with the reason it cannot be built."""
    row: dict[str, Any] = {"kind": draft.kind, "user_id": draft.user_id, "recipient": draft.to.email,
                           "recipient_name": draft.to.full_name, "subject": draft.subject,
                           "related": dict(draft.related), "batch_id": batch_id, "state": OutboxState.PENDING.value,
                           "attempts": 0, "not_before": now, "created_at": now, "text_body": "", "html_body": None,
                           "last_error": None}
    try:
        problem = header_problem(draft.to.email, draft.to.full_name, draft.subject)
        if problem is None:
            row["text_body"], row["html_body"] = render_mail(draft.template, person=draft.to, **draft.context)
    except (*BUILD_ERRORS, TemplateError) as exc:
        problem = f"could not be built: {exc}"
    if problem is not None:
        row.update(state=OutboxState.FAILED.value, last_error=problem)
    return row


def queue_many(session: Session, drafts: Sequence[Draft], *, now: datetime,
               batch: OutboxBatch | None = None) -> list[str | None]:
    """Add one outbox row per draft in a single INSERT (flush only); per draft, None or why it cannot be sent.

    A message that cannot be built is stored as failed, with the reason, and its log rows are marked failed.
    """
    rows = [_values(draft, now, batch.id if batch else None) for draft in drafts]
    if not rows:
        return []
    session.execute(insert(OutboxMessage), rows)
    waiting = sum(1 for row in rows if row["state"] == OutboxState.PENDING.value)
    if waiting:
        session.info[WAKE] = session.info.get(WAKE, 0) + waiting
    for row in rows:
        if row["state"] == OutboxState.FAILED.value:
            fail_related(session, row["related"])
    return [row["last_error"] for row in rows]


def queue_mail(session: Session, template: str, subject: str, to: Recipient, *, kind: str, now: datetime,
               user_id: int | None = None, related: Mapping[str, Sequence[int]] | None = None,
               **context: Any) -> str | None:
    """Queue one message (flush only): None, or the reason it cannot be sent (it is then stored as failed)."""
    return queue_many(session, [Draft(template, subject, to, kind, user_id, related or {}, context)], now=now)[0]


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
