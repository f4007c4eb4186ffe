"""The log of reminder e-mails, so nobody is reminded twice about the same course within a week."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class ReminderLog(Base):
    """One reminder sent (or, for a DSL digest, one digest sent)."""

    __tablename__ = "reminder_log"
    __table_args__ = (
        CheckConstraint("kind IN ('learner', 'dsl_digest')", name="kind_valid"),
        Index("ix_reminder_log_user_course_sent", "user_id", "course_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"))
    kind: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
