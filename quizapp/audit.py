"""Writing to the audit trail."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .db import utcnow
from .models import AuditEvent, User


def record(session: Session, actor: User | None, action: str, target: str = "", **details: Any) -> AuditEvent:
    """Add one audit event in the caller's transaction."""
    event = AuditEvent(actor_id=actor.id if actor else None, action=action, target=target,
                       details=details, at=utcnow())
    session.add(event)
    return event
