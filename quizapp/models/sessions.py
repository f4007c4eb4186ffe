"""Server-side sign-in sessions: the browser holds a random id, the database its SHA-256."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime
from .users import User

AGENT_MAX = 120


class UserSession(Base):
    """One sign-in on one browser; deleting the row ends it, whatever copy of the cookie exists."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Only the hash is stored, so a copy of this table cannot be replayed as cookies.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(AGENT_MAX), default="")

    user: Mapped[User] = relationship(lazy="raise")
