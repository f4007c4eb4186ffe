"""Bulk jobs run by the worker (the evidence pack, large people imports), with the progress their pages show."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow


class JobState(StrEnum):
    """Queued, running, ready (done), failed, or expired (its file removed by the daily tidy)."""

    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"
    EXPIRED = "expired"


class JobKind(StrEnum):
    """What a job does."""

    EVIDENCE_PACK = "evidence_pack"
    PEOPLE_IMPORT = "people_import"


class BulkJob(Base):
    """One bulk operation: who asked, for which school, what (params), how far (done of total) and the result."""

    __tablename__ = "bulk_job"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'ready', 'failed', 'expired')", name="state_valid"),
        CheckConstraint("kind IN ('evidence_pack', 'people_import')", name="kind_valid"),
        CheckConstraint("done >= 0 AND total >= 0", name="counts_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(10), default=JobState.QUEUED.value)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    # The file's name on disk is this random token (never the id), so no one can guess another job's file.
    file_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def finished(self) -> bool:
        """Whether the worker is done with it, one way or the other."""
        return self.state not in (JobState.QUEUED.value, JobState.RUNNING.value)
