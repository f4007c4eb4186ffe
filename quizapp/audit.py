"""Writing to the audit trail."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Integer, Select, String, cast, insert, literal, select
from sqlalchemy.orm import Session

from .db import UTCDateTime, utcnow
from .models import AuditEvent, User


def record(session: Session, actor: User | None, action: str, target: str = "", *,
           subject: User | int | None = None, **details: Any) -> AuditEvent:
    """Add one audit event in the caller's transaction; `subject` is the person whose records it is about."""
    subject_id = subject.id if isinstance(subject, User) else subject
    event = AuditEvent(actor_id=actor.id if actor else None, action=action, target=target,
                       details=details, at=utcnow(), subject_id=subject_id)
    session.add(event)
    return event


# A reload, or paging back and forth, within this window is one look at a person's records, not many.
VIEW_WINDOW = timedelta(minutes=5)


def record_view(session: Session, viewer: User, subject: User, action: str, target: str, now: datetime,
                **details: Any) -> AuditEvent | None:
    """Record that someone looked at another person's records (who saw what); None when not recorded.

    Looking at your own records is not recorded, and neither is the same look again within VIEW_WINDOW.
    """
    if viewer.id == subject.id:
        return None
    recent = session.scalar(select(AuditEvent.id).where(
        AuditEvent.subject_id == subject.id, AuditEvent.actor_id == viewer.id, AuditEvent.action == action,
        AuditEvent.target == target, AuditEvent.at > now - VIEW_WINDOW).limit(1))
    if recent is not None:
        return None
    event = record(session, viewer, action, target, subject=subject, **details)
    event.at = now
    return event


def record_export_subjects(session: Session, actor: User | None, action: str,
                           subjects: Iterable[int] | Select[Any], **details: Any) -> None:
    """Record, in one INSERT, that `actor` exported each person in `subjects` (ids, or a one-column SELECT of ids).

    A school-wide export keeps one summary event of its own; these rows put it in each person's audit filter and
    their subject access export. The actor's own row is left out, as with record_view.
    """
    if isinstance(subjects, Select):
        ids = subjects
    else:
        wanted = sorted(set(subjects))
        if not wanted:
            return
        ids = select(User.id).where(User.id.in_(wanted))
    person = ids.order_by(None).subquery().c[0]
    actor_id = actor.id if actor else None
    rows = select(literal(actor_id, Integer), literal(action, String), literal("user:") + cast(person, String),
                  literal(details, JSON), literal(utcnow(), UTCDateTime), person)
    if actor_id is not None:
        rows = rows.where(person != actor_id)
    # INSERT ... SELECT: one statement whatever the number of people, in the caller's transaction.
    session.execute(insert(AuditEvent).from_select(
        ["actor_id", "action", "target", "details", "at", "subject_id"], rows))
