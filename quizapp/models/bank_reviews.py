"""The log of bank review alerts, so each admin is told once a month before a bank's review_by and once on it."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime

ALERT_KINDS = ("month_before", "due")


class BankReviewAlert(Base):
    """One review alert e-mailed (or attempted) to one admin about one bank's review date."""

    __tablename__ = "bank_review_alert"
    __table_args__ = (
        CheckConstraint("kind IN ('month_before', 'due')", name="kind_valid"),
        CheckConstraint("status IN ('sent', 'failed')", name="status_valid"),
        UniqueConstraint("bank_id", "user_id", "kind", "review_by", name="bank_user_kind_review_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_bank.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(12))
    # The review date the alert was about: a new edition with a later review_by gets its own alerts.
    review_by: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
