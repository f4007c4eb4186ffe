"""The audit trail: who did what to which object, and when."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow
from .users import User


class AuditEvent(Base):
    """One recorded action; never updated or deleted by the application."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The person whose records the event is about (a DSL viewing their page, say), for "who saw what".
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)

    actor: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[subject_id])
