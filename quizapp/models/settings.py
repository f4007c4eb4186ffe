"""Organisation settings used on certificates and in reminders (a single row)."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class OrgSettings(Base):
    """Name, logo, signatory, certificate number prefix and the "due soon" window."""

    __tablename__ = "org_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("due_soon_days BETWEEN 1 AND 365", name="due_soon_range"),
        CheckConstraint("update_days BETWEEN 1 AND 365", name="update_days_range"),
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
