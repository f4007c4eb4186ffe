"""Sending outbox rows: claim one with a conditional UPDATE, send it, mark it, each step in its own transaction.

A row is claimed by writing a random token where the row is still pending (or its claim has outlived the
lease), so two consumers never hold the same row. A worker killed after the SMTP server accepted a message
but before the mark leaves the row claimed; once the lease runs out it is sent again: at most one duplicate
per kill, and nothing is dropped.
"""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import OutboxMessage, OutboxState
from .mail import BUILD_ERRORS, Outcome, build_message
from .outbox import fail_related

PENDING, SENDING, SENT, FAILED = (s.value for s in OutboxState)


@dataclass(frozen=True)
class DeliveryPolicy:
    """Retries, the claim lease and the relay's rate limit (None: unlimited)."""

    max_attempts: int = 6
    retry_seconds: float = 60.0
    lease_seconds: float = 300.0
    per_minute: int | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DeliveryPolicy:
        """Read MAIL_MAX_ATTEMPTS, MAIL_RETRY_SECONDS, MAIL_LEASE_SECONDS and MAIL_PER_MINUTE."""
        return cls(int(config.get("MAIL_MAX_ATTEMPTS") or 6), float(config.get("MAIL_RETRY_SECONDS") or 60),
                   float(config.get("MAIL_LEASE_SECONDS") or 300), config.get("MAIL_PER_MINUTE") or None)

    def backoff(self, attempts: int) -> timedelta:
        """The wait before try number attempts + 1: doubling each time."""
        return timedelta(seconds=self.retry_seconds * 2 ** max(attempts - 1, 0))


@dataclass(frozen=True)
class Claimed:
    """A row this consumer holds, and the token that proves it."""

    row: OutboxMessage
    token: str


def _due(now: datetime, policy: DeliveryPolicy) -> Any:
    return or_(and_(OutboxMessage.state == PENDING, OutboxMessage.not_before <= now),
               and_(OutboxMessage.state == SENDING,
                    OutboxMessage.claimed_at < now - timedelta(seconds=policy.lease_seconds)))


def _slot(now: datetime, per_minute: int) -> tuple[int, float]:
    """The numbered send slot `now` falls in, and the seconds until the next one starts."""
    width = 60.0 / per_minute
    position = now.timestamp() / width
    return int(position), (int(position) + 1 - position) * width


def claim_next(session: Session, now: datetime, policy: DeliveryPolicy) -> Claimed | float | None:
    """Claim the next message due (commits): None when nothing is due, or seconds to wait for the rate limit."""
    candidates = session.scalars(select(OutboxMessage.id).where(_due(now, policy))
                                 .order_by(OutboxMessage.id).limit(20)).all()
    for message_id in candidates:
        token = uuid.uuid4().hex
        values: dict[str, Any] = {"state": SENDING, "claim": token, "claimed_at": now,
                                  "attempts": OutboxMessage.attempts + 1}
        wait = 0.0
        if policy.per_minute:
            values["slot"], wait = _slot(now, policy.per_minute)
        try:
            result = session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id, _due(now, policy))
                                     .values(**values).execution_options(synchronize_session=False))
            session.commit()
        except IntegrityError:  # another consumer has this slot: the relay's limit says wait
            session.rollback()
            return wait
        if result.rowcount == 1:  # type: ignore[attr-defined]  # a CursorResult for an UPDATE
            row = session.get(OutboxMessage, message_id, populate_existing=True)
            if row is not None:
                return Claimed(row, token)
    session.commit()
    return None


def as_email(row: OutboxMessage, sender: str) -> EmailMessage:
    """The message to send; its Message-ID is fixed by the row, so a resend after a kill can be recognised."""
    message = build_message(sender, row.recipient, row.subject, row.text_body, row.html_body,
                            to_name=row.recipient_name)
    domain = sender.rpartition("@")[2].strip(">") or "localhost"
    message.replace_header("Message-ID", f"<outbox-{row.id}-{row.created_at:%Y%m%d%H%M%S}@{domain}>")
    return message


def build_or_fail(row: OutboxMessage, sender: str) -> EmailMessage | Outcome:
    """The message, or a permanent failure when it cannot be built."""
    try:
        return as_email(row, sender)
    except BUILD_ERRORS as exc:
        return Outcome(f"could not be built: {exc}")


def finish(session: Session, claimed: Claimed, outcome: Outcome, now: datetime, policy: DeliveryPolicy) -> str:
    """Mark a claimed row sent, back to pending with a later try, or failed for good (commits); the new state."""
    row = claimed.row
    values: dict[str, Any] = {"claim": None, "last_error": outcome.problem}
    if outcome.sent:
        # The bodies are not kept once sent: they may carry a set-password link, and nobody needs them again.
        values.update(state=SENT, sent_at=now, text_body="", html_body=None)
    elif outcome.temporary and row.attempts < policy.max_attempts:
        values.update(state=PENDING, not_before=now + policy.backoff(row.attempts))
    else:
        gave_up = f" (gave up after {row.attempts} tries)" if outcome.temporary else ""
        values.update(state=FAILED, last_error=f"{outcome.problem}{gave_up}")
    result = session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id,
                                                         OutboxMessage.claim == claimed.token)
                             .values(**values).execution_options(synchronize_session=False))
    if values["state"] == FAILED and result.rowcount == 1:  # type: ignore[attr-defined]
        fail_related(session, row.related or {})
    session.commit()
    return str(values["state"])


def next_due(session: Session, policy: DeliveryPolicy) -> datetime | None:
    """When the earliest unsent message may next be tried: a retry's time, or a stale claim's lease running out."""
    retry = session.scalar(select(func.min(OutboxMessage.not_before)).where(OutboxMessage.state == PENDING))
    claimed = session.scalar(select(func.min(OutboxMessage.claimed_at)).where(OutboxMessage.state == SENDING))
    stale = claimed + timedelta(seconds=policy.lease_seconds) if claimed is not None else None
    times = [t for t in (retry, stale) if t is not None]
    return min(times) if times else None


def waiting_count(session: Session, now: datetime, policy: DeliveryPolicy) -> int:
    """How many messages could be claimed now."""
    return session.scalar(select(func.count()).select_from(OutboxMessage).where(_due(now, policy))) or 0
