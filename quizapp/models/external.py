"""Training done elsewhere: a person's record of it, the DSL's decision, and the evidence file behind it."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ColumnElement, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow
from .courses import Course
from .users import User

# Hours are kept as whole minutes so both databases store them exactly (no floating point, no Decimal on SQLite).
MINUTES_MAX = 1000 * 60
EVIDENCE_TYPES = ("application/pdf", "image/png", "image/jpeg")


class ExternalState(enum.StrEnum):
    """Where a record stands: waiting for the DSL, counted, or turned down with a reason."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


STATE_VALUES = ", ".join(f"'{s.value}'" for s in ExternalState)
TYPE_VALUES = ", ".join(f"'{t}'" for t in EVIDENCE_TYPES)


class EvidenceFile(Base):
    """An uploaded certificate or attendance note, checked and re-encoded; the original name is display text only."""

    __tablename__ = "evidence_file"
    __table_args__ = (
        CheckConstraint(f"content_type IN ({TYPE_VALUES})", name="content_type_valid"),
        CheckConstraint("size > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Deferred: listing records (and their evidence names) never loads the bytes.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    content_type: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    @property
    def extension(self) -> str:
        """The file extension that matches the checked content (never the uploaded name's)."""
        return {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[self.content_type]


class ExternalTraining(Base):
    """Training a person did elsewhere (a course, INSET, a visiting speaker), counted once a DSL approves it."""

    __tablename__ = "external_training"
    __table_args__ = (
        CheckConstraint(f"state IN ({STATE_VALUES})", name="state_valid"),
        CheckConstraint(f"minutes BETWEEN 0 AND {MINUTES_MAX}", name="minutes_range"),
        CheckConstraint("expires_on IS NULL OR expires_on >= completed_on", name="expiry_after_completion"),
        CheckConstraint("(state = 'pending') = (decided_at IS NULL)", name="decided_unless_pending"),
        CheckConstraint("state <> 'rejected' OR rejection_reason IS NOT NULL", name="rejection_has_reason"),
        CheckConstraint("state <> 'approved' OR course_id IS NULL OR valid_until IS NOT NULL",
                        name="approved_course_has_cover"),
        Index("ix_external_training_cover", "user_id", "course_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))
    completed_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    expires_on: Mapped[date | None] = mapped_column(Date)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id", ondelete="SET NULL"))
    # The last day it covers the course: the expiry, or the course's renewal period from completion (set on approval).
    valid_until: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default=ExternalState.PENDING.value)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_file.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course | None] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    evidence: Mapped[EvidenceFile | None] = relationship()

    @property
    def hours(self) -> float:
        """Hours as entered (kept in minutes)."""
        return self.minutes / 60

    @classmethod
    def counted_at(cls, cutoff: datetime) -> ColumnElement[bool]:
        """SQL: approved before `cutoff` and done by then, so it counted at that moment (the one home of the rule)."""
        return and_(cls.state == ExternalState.APPROVED.value, cls.decided_at < cutoff,
                    cls.completed_on < cutoff.date())
