"""Join links: how volunteers, governors and supply staff without a school account ask to be let in."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow
from .users import School, StaffGroup, User


class JoinStatus(enum.StrEnum):
    """A request to join: waiting for the DSL, then approved (an account exists) or rejected."""

    WAITING = "waiting"
    APPROVED = "approved"
    REJECTED = "rejected"


STATUS_VALUES = ", ".join(f"'{status.value}'" for status in JoinStatus)


class JoinLink(Base):
    """A link (and QR poster) a DSL hands out for their school and a staff group, until it expires or is used up."""

    __tablename__ = "join_link"
    __table_args__ = (
        CheckConstraint("max_uses IS NULL OR max_uses >= 1", name="max_uses_positive"),
        CheckConstraint("uses >= 0", name="uses_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The link's address carries an HMAC of this under the secret key; the address itself is never stored.
    nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    staff_group_id: Mapped[int] = mapped_column(ForeignKey("staff_group.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    school: Mapped[School] = relationship()
    staff_group: Mapped[StaffGroup] = relationship()


class JoinRequest(Base):
    """Someone who opened a join link and gave their name, e-mail and password, waiting for the DSL."""

    __tablename__ = "join_request"
    __table_args__ = (CheckConstraint(f"status IN ({STATUS_VALUES})", name="status_valid"),
                      CheckConstraint("email = lower(email)", name="email_lower"))

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("join_link.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10), default=JoinStatus.WAITING.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    link: Mapped[JoinLink] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
