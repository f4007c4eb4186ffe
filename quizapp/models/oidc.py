"""OpenID Connect sign-in: the providers set on the Sign-in screen and each person's (issuer, subject) links."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow
from .users import School, StaffGroup, User

PRESETS = ("generic", "entra", "google")
PRESET_VALUES = ", ".join(f"'{preset}'" for preset in PRESETS)


class OidcProvider(Base):
    """An identity provider people may sign in with; its client secret is kept encrypted, never in plain text."""

    __tablename__ = "oidc_provider"
    __table_args__ = (CheckConstraint(f"preset IN ({PRESET_VALUES})", name="preset_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(80), unique=True)
    preset: Mapped[str] = mapped_column(String(10), default="generic")
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    # Fernet token of the client secret under a key derived from SECRET_KEY (quizapp.people.secrets).
    client_secret_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    # Comma-separated, lower-case e-mail domains this provider may sign in; empty means any.
    domains: Mapped[str] = mapped_column(Text, default="")
    create_users: Mapped[bool] = mapped_column(Boolean, default=False)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="SET NULL"))
    staff_group_id: Mapped[int | None] = mapped_column(ForeignKey("staff_group.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    school: Mapped[School | None] = relationship()
    staff_group: Mapped[StaffGroup | None] = relationship()


class OidcLink(Base):
    """A person's account at an identity provider, identified by (issuer, subject) once linked."""

    __tablename__ = "oidc_link"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_oidc_link_issuer_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    # The e-mail the provider gave when the link was made, shown to the admin beside the link.
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
