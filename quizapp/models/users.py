"""People and where they work: schools, staff groups and users."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow

# The most extra time an access arrangement may give (percent of the time limit); forms, CSV import, the
# as-at queries and this table's CHECK all read it from here.
EXTRA_TIME_MAX = 300
NAME_MAX = 100

class Role(enum.StrEnum):
    """What a person may do: take training, oversee it, or run the system."""

    STAFF = "staff"
    DSL = "dsl"
    ADMIN = "admin"


ROLE_VALUES = ", ".join(f"'{role.value}'" for role in Role)


class School(Base):
    """A school (or site) in the organisation."""

    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffGroup(Base):
    """A group of staff that shares training requirements, such as "Teaching staff"."""

    __tablename__ = "staff_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(UserMixin, Base):
    """A person who signs in: staff, DSL or admin."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(f"role IN ({ROLE_VALUES})", name="role_valid"),
        CheckConstraint("email = lower(email)", name="email_lower"),
        CheckConstraint(f"extra_time_pct >= 0 AND extra_time_pct <= {EXTRA_TIME_MAX}", name="extra_time_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(10), default=Role.STAFF.value)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    staff_group_id: Mapped[int | None] = mapped_column(ForeignKey("staff_group.id"), index=True)
    extra_time_pct: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the person's name, e-mail, sign-in and free text were removed (retention or "Erase now").
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Rotated whenever a password is set (or the email changes), so each invitation or reset link works once;
    # sign-ins are ended through their own records (models/sessions.py), not through this.
    auth_nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(8), server_default="")

    school: Mapped[School | None] = relationship(lazy="joined")
    staff_group: Mapped[StaffGroup | None] = relationship(lazy="joined")

    @property
    def full_name(self) -> str:
        """First and last name, as printed on certificates."""
        return f"{self.first_name} {self.last_name}"

    def get_id(self) -> str:
        """Flask-Login's id; the cookie holds a session record's random id instead (web/sign_in_session.py)."""
        return str(self.id)

    @property
    def is_active(self) -> bool:
        """Flask-Login: deactivated people cannot sign in."""
        return self.active

    def has_role(self, *roles: Role) -> bool:
        """Whether this person holds one of the given roles."""
        return self.role in {role.value for role in roles}
