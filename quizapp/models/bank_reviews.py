"""Bank review alerts (each admin told once a month before review_by and once on it) and imported editions."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
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


class BankEdition(Base):
    """A new edition of an existing bank as imported: whether it is material, what changed and which questions."""

    __tablename__ = "bank_edition"
    __table_args__ = (
        CheckConstraint("NOT material OR update_required_by IS NOT NULL", name="material_has_deadline"),
        Index("ix_bank_edition_bank_imported", "bank_id", "imported_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_bank.id"))
    edition: Mapped[str] = mapped_column(String(40))
    material: Mapped[bool] = mapped_column(Boolean)
    what_changed: Mapped[str] = mapped_column(Text, default="")
    # The qids changed or added by this edition: what an update quiz draws from.
    question_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    update_required_by: Mapped[date | None] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
