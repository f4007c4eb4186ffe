"""Question banks and versioned questions, as imported from bank files."""
from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow
from ..engine.drafts import IMPORTED_SOURCE, draft_reasons


class QuestionType(enum.StrEnum):
    """The question types the grader knows."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    MATCHING = "matching"
    ORDERING = "ordering"


TYPE_VALUES = ", ".join(f"'{t.value}'" for t in QuestionType)


class QuestionStatus(enum.StrEnum):
    """Whether a question may be drawn: a draft lacks an explanation or a source of its own."""

    READY = "ready"
    DRAFT = "draft"


STATUS_VALUES = ", ".join(f"'{s.value}'" for s in QuestionStatus)
# One home for "what makes a draft" in the database: a ready question has an explanation and a real source.
READY_RULE = f"status = 'draft' OR (explanation <> '' AND source_id <> '{IMPORTED_SOURCE}')"


class QuestionBank(Base):
    """A bank of questions on one topic, with the learning page staff read first."""

    __tablename__ = "question_bank"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    edition: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text, default="")
    learning: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # From the bank file: when its content was last checked against the sources, and when it must be again.
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    review_by: Mapped[date | None] = mapped_column(Date)
    as_of_notes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")

    questions: Mapped[list[Question]] = relationship(back_populates="bank", order_by="Question.id")


REVIEW_NOTICE = timedelta(days=30)


def review_state(review_by: date | None, today: date) -> str | None:
    """"overdue" once review_by has come, "due" within a month of it, else None: one home for both rules."""
    if review_by is None:
        return None
    if today >= review_by:
        return "overdue"
    return "due" if today >= review_by - REVIEW_NOTICE else None


class Question(Base):
    """One version of a question; a changed question gets a new row, the old one is superseded."""

    __tablename__ = "question"
    __table_args__ = (
        UniqueConstraint("bank_id", "qid", "version", name="bank_qid_version"),
        CheckConstraint(f"type IN ({TYPE_VALUES})", name="type_valid"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(f"status IN ({STATUS_VALUES})", name="status_valid"),
        CheckConstraint(READY_RULE, name="ready_complete"),
        Index("ix_question_live", "bank_id", "superseded_at", "retired_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_bank.id"))
    qid: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer, default=1)
    type: Mapped[str] = mapped_column(String(12))
    prompt: Mapped[str] = mapped_column(Text)
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text)
    source_id: Mapped[str] = mapped_column(String(80))
    source_title: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(8), default=QuestionStatus.READY.value,
                                        server_default=QuestionStatus.READY.value)
    # Images shown with the prompt: [{"sha256": ..., "alt": ...}], each a row of question_image.
    images: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list, server_default="[]")

    bank: Mapped[QuestionBank] = relationship(back_populates="questions")

    @property
    def draft_reasons(self) -> list[str]:
        """Why this question is a draft ("Needs an explanation", "Needs a source"); [] when it is ready."""
        return draft_reasons(self.explanation, self.source_id) if self.status == QuestionStatus.DRAFT else []

    @property
    def live(self) -> bool:
        """Whether this version can still be drawn into new attempts."""
        return self.superseded_at is None and self.retired_at is None


MAX_IMAGE_BYTES = 8 * 1024 * 1024  # re-encoded PNGs are bigger than the 2 MB files they came from


class QuestionImage(Base):
    """An image from an imported question, re-encoded as PNG by Pillow; named by the SHA-256 of its bytes."""

    __tablename__ = "question_image"
    __table_args__ = (
        CheckConstraint("media_type = 'image/png'", name="media_type_png"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        CheckConstraint(f"size_bytes BETWEEN 1 AND {MAX_IMAGE_BYTES}", name="size_range"),
        CheckConstraint("width BETWEEN 1 AND 1600 AND height BETWEEN 1 AND 1600", name="side_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    media_type: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
