"""Join links for adults without a school account (volunteers, governors, supply staff) and their requests."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow
from .users import NAME_MAX, School, StaffGroup, User

JOIN_USES_MAX = 1000


class JoinLink(Base):
    """A link (and its poster QR code) a DSL hands out: who joins by it lands in their school and staff group."""

    __tablename__ = "join_link"
    __table_args__ = (
        CheckConstraint(f"max_uses IS NULL OR (max_uses BETWEEN 1 AND {JOIN_USES_MAX})", name="max_uses_range"),
        CheckConstraint("uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)", name="uses_within_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random and secret: the link carries it signed with the app's key, so a guessed or altered link fails.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    staff_group_id: Mapped[int | None] = mapped_column(ForeignKey("staff_group.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school: Mapped[School] = relationship(lazy="joined")
    staff_group: Mapped[StaffGroup | None] = relationship(lazy="joined")


class JoinState(enum.StrEnum):
    """A request to join waits for a DSL, who approves (the account is made) or rejects it."""

    WAITING = "waiting"
    APPROVED = "approved"
    REJECTED = "rejected"


JOIN_STATE_VALUES = ", ".join(f"'{state.value}'" for state in JoinState)


class JoinRequest(Base):
    """Someone who opened a join link: their name, e-mail and chosen password (or provider account), until a DSL
    decides."""

    __tablename__ = "join_request"
    __table_args__ = (
        CheckConstraint(f"state IN ({JOIN_STATE_VALUES})", name="state_valid"),
        CheckConstraint("email = lower(email)", name="email_lower"),
        CheckConstraint("(oidc_issuer IS NULL) = (oidc_subject IS NULL)", name="provider_whole"),
        # One waiting request per e-mail, so a link cannot be used to flood a DSL with the same person.
        Index("uq_join_request_waiting_email", "email", unique=True,
              sqlite_where=text("state = 'waiting'"), postgresql_where=text("state = 'waiting'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("join_link.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    first_name: Mapped[str] = mapped_column(String(NAME_MAX))
    last_name: Mapped[str] = mapped_column(String(NAME_MAX))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Set instead of a password when the newcomer joined with a sign-in provider: approval links that account.
    oidc_issuer: Mapped[str | None] = mapped_column(String(500))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(10), default=JoinState.WAITING.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    link: Mapped[JoinLink] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
