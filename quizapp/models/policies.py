"""Policies staff must read and acknowledge: the policy, its published versions, and each acknowledgement."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow
from .users import StaffGroup, User

DOCUMENT_KINDS = ("pdf", "markdown")
POLICY_ALERT_KINDS = ("two_months", "one_month", "one_week", "due")
DAYS_MAX = 365


class Policy(Base):
    """A policy document staff must read: who must read it, how soon, and when it is next reviewed."""

    __tablename__ = "policy"
    __table_args__ = (CheckConstraint(f"days_to_acknowledge BETWEEN 1 AND {DAYS_MAX}", name="days_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    owner: Mapped[str] = mapped_column(String(200))
    # True: everyone on the staff must read it; False: only the staff groups in `required_for`.
    all_staff: Mapped[bool] = mapped_column(Boolean, default=True)
    days_to_acknowledge: Mapped[int] = mapped_column(Integer, default=14)
    review_by: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    required_for: Mapped[list[StaffGroup]] = relationship(secondary="policy_requirement", order_by="StaffGroup.name")
    versions: Mapped[list[PolicyVersion]] = relationship(back_populates="policy", order_by="PolicyVersion.number")

    @property
    def latest(self) -> PolicyVersion | None:
        """The version published last (it may not be in effect yet)."""
        return self.versions[-1] if self.versions else None


class PolicyRequirement(Base):
    """A staff group that must read a policy (used only when the policy is not for all staff)."""

    __tablename__ = "policy_requirement"

    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id", ondelete="CASCADE"), primary_key=True)
    staff_group_id: Mapped[int] = mapped_column(ForeignKey("staff_group.id", ondelete="CASCADE"), primary_key=True)


class PolicyVersion(Base):
    """One published version of a policy's document; never changed once published."""

    __tablename__ = "policy_version"
    __table_args__ = (
        CheckConstraint("kind IN ('pdf', 'markdown')", name="kind_valid"),
        CheckConstraint("(kind = 'pdf' AND document IS NOT NULL AND markdown IS NULL) OR "
                        "(kind = 'markdown' AND markdown IS NOT NULL AND document IS NULL)", name="one_document"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        CheckConstraint("number >= 1 AND basis_number BETWEEN 1 AND number", name="numbers_valid"),
        CheckConstraint("material OR number > 1", name="first_is_material"),
        UniqueConstraint("policy_id", "number", name="policy_number"),
        UniqueConstraint("policy_id", "label", name="policy_label"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3... in order of publication
    # The number of the latest material version at or before this one: acknowledging any version from it on counts.
    basis_number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(40))
    effective_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    # Deferred so lists and the compliance matrix never read the documents themselves.
    document: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    markdown: Mapped[str | None] = deferred(mapped_column(Text))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer, default=0)
    material: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    policy: Mapped[Policy] = relationship(back_populates="versions")


class PolicyAcknowledgement(Base):
    """A person's declaration that they read and understood one version; never updated or deleted from the web."""

    __tablename__ = "policy_acknowledgement"
    __table_args__ = (
        UniqueConstraint("user_id", "version_id", name="user_version"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        Index("ix_policy_acknowledgement_user_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_version.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The SHA-256 of the document as it was read, so the record proves which text was acknowledged.
    sha256: Mapped[str] = mapped_column(String(64))

    user: Mapped[User] = relationship()
    version: Mapped[PolicyVersion] = relationship()


class PolicyReviewAlert(Base):
    """One review-by alert e-mailed (or attempted) to one admin about one policy's review date."""

    __tablename__ = "policy_review_alert"
    __table_args__ = (
        CheckConstraint("kind IN ('two_months', 'one_month', 'one_week', 'due')", name="kind_valid"),
        CheckConstraint("status IN ('sent', 'failed')", name="status_valid"),
        UniqueConstraint("policy_id", "user_id", "kind", "review_by", name="policy_user_kind_review_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(12))
    review_by: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PolicyReminderLog(Base):
    """One reminder about a policy e-mailed (or attempted) to one person, so nobody is reminded twice in a week."""

    __tablename__ = "policy_reminder_log"
    __table_args__ = (
        CheckConstraint("status IN ('sent', 'failed')", name="status_valid"),
        Index("ix_policy_reminder_log_user_policy_sent", "user_id", "policy_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id"))
    status: Mapped[str] = mapped_column(String(8))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
