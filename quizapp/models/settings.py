"""Organisation settings used on certificates and in reminders (a single row)."""
from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Integer, LargeBinary, String, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..db import Base

RETENTION_YEARS_MAX = 50
# Bounds of the session limits (form, table CHECK and tests read them here): 5 minutes to a day idle, and
# 1 hour to a week in all.
IDLE_MINUTES = (5, 1440)
MAX_HOURS = (1, 168)
DEFAULT_IDLE_MINUTES = 120
DEFAULT_MAX_HOURS = 12


class OrgSettings(Base):
    """Name, logo, signatory, certificate prefix, the "due soon" window, session limits and privacy contact."""

    __tablename__ = "org_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("due_soon_days BETWEEN 1 AND 365", name="due_soon_range"),
        CheckConstraint("update_days BETWEEN 1 AND 365", name="update_days_range"),
        CheckConstraint(f"retention_years BETWEEN 1 AND {RETENTION_YEARS_MAX}", name="retention_years_range"),
        CheckConstraint(f"session_idle_minutes BETWEEN {IDLE_MINUTES[0]} AND {IDLE_MINUTES[1]}", name="idle_range"),
        CheckConstraint(f"session_max_hours BETWEEN {MAX_HOURS[0]} AND {MAX_HOURS[1]}", name="max_hours_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    org_name: Mapped[str] = mapped_column(String(200), default="Safeguarding training")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_mime: Mapped[str | None] = mapped_column(String(20))
    signatory_name: Mapped[str] = mapped_column(String(120), default="Designated Safeguarding Lead")
    signatory_role: Mapped[str] = mapped_column(String(120), default="Designated Safeguarding Lead")
    certificate_prefix: Mapped[str] = mapped_column(String(12), default="QZ")
    due_soon_days: Mapped[int] = mapped_column(Integer, default=30)
    # After a material bank edition, how long holders of a current pass have to take the update quiz.
    update_days: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    # How many whole years after deactivation a leaver's records are kept before they are anonymised; the school
    # decides (6 years after leaving is a common choice in school retention schedules).
    retention_years: Mapped[int] = mapped_column(Integer, default=6, server_default="6")
    # Whether an anonymised person's certificates still verify (without the name) or are reported as not verifiable.
    keep_verifiable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # A sign-in ends after this long without a request (unless a quiz is running) and after the maximum anyway.
    session_idle_minutes: Mapped[int] = mapped_column(Integer, default=DEFAULT_IDLE_MINUTES,
                                                      server_default=str(DEFAULT_IDLE_MINUTES))
    session_max_hours: Mapped[int] = mapped_column(Integer, default=DEFAULT_MAX_HOURS,
                                                   server_default=str(DEFAULT_MAX_HOURS))
    # Named on the privacy page: who to ask about personal data (a person, an address or both).
    data_protection_contact: Mapped[str] = mapped_column(String(300), default="", server_default="")

    @classmethod
    def current(cls, session: Session) -> OrgSettings:
        """The one settings row, the only way anything reads it; created with the defaults on first use."""
        settings = session.get(cls, 1)
        if settings is None:
            # Several first requests may race to create the row: the database lets one insert it, and the rest
            # (waiting on its key) insert nothing and read that row.
            insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
            session.execute(insert(cls).values(id=1).on_conflict_do_nothing(index_elements=["id"]))
            settings = session.get(cls, 1)
        if settings is None:
            raise RuntimeError("the organisation settings row could not be created")
        return settings
