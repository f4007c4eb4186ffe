"""Writing to the audit trail."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .db import utcnow
from .models import AuditEvent, User


def record(session: Session, actor: User | None, action: str, target: str = "", *,
           subject: User | int | None = None, **details: Any) -> AuditEvent:
    """Add one audit event in the caller's transaction; `subject` is the person whose records it is about."""
    subject_id = subject.id if isinstance(subject, User) else subject
    event = AuditEvent(actor_id=actor.id if actor else None, action=action, target=target,
                       details=details, at=utcnow(), subject_id=subject_id)
    session.add(event)
    return event
