"""Certificates: one per passing attempt, with the PDF kept so every download is identical."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, and_, or_, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime
from .attempts import Attempt
from .courses import Course
from .users import User


class Certificate(Base):
    """Proof that a person passed a course; revocable, and replaceable by a reissue."""

    __tablename__ = "certificate"
    __table_args__ = (
        # Exactly one original certificate per attempt, however often it is submitted; reissues are extra rows.
        Index("uq_certificate_original_per_attempt", "attempt_id", unique=True,
              sqlite_where=text("reissue_of_id IS NULL"), postgresql_where=text("reissue_of_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id"))
    reissue_of_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    holder_name: Mapped[str] = mapped_column(String(220))
    course_title: Mapped[str] = mapped_column(String(200))
    edition: Mapped[str] = mapped_column(String(120))
    score_pct: Mapped[int] = mapped_column(Integer)
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()
    attempt: Mapped[Attempt] = relationship()
    superseded_by: Mapped[Certificate | None] = relationship(remote_side=[id], foreign_keys=[superseded_by_id])

    # The one home of "which certificate counts": everything that asks (training status, reminders, compliance,
    # search) goes through these two, in Python or in SQL.
    @hybrid_property
    def counts(self) -> bool:
        """Whether the certificate counts now: neither revoked nor replaced by a reissue (expiry aside)."""
        return self.revoked_at is None and self.superseded_at is None

    @counts.inplace.expression
    @classmethod
    def _counts_expression(cls) -> ColumnElement[bool]:
        return and_(cls.revoked_at.is_(None), cls.superseded_at.is_(None))

    @classmethod
    def counted_at(cls, cutoff: datetime) -> ColumnElement[bool]:
        """SQL: the certificate counted just before `cutoff` (issued by then, not yet revoked or superseded)."""
        return and_(cls.issued_at < cutoff,
                    or_(cls.revoked_at.is_(None), cls.revoked_at >= cutoff),
                    or_(cls.superseded_at.is_(None), cls.superseded_at >= cutoff))


class CertificateFile(Base):
    """The issued PDF bytes, kept apart so listing certificates never loads them."""

    __tablename__ = "certificate_file"

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id", ondelete="CASCADE"), primary_key=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
