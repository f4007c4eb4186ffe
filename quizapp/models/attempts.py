"""Quiz attempts and the questions snapshotted into them."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime
from .bank_reviews import BankEdition
from .banks import Question
from .courses import Course
from .users import User


class AttemptState(enum.StrEnum):
    """Stored states; "overdue" is derived (in progress and past the deadline), never stored.

    A quiz nobody submits is finalised with what was saved once its deadline passes, so none is ever abandoned.
    """

    IN_PROGRESS = "in_progress"
    FINISHED = "finished"


class FinishReason(enum.StrEnum):
    """How an attempt came to be finished."""

    SUBMITTED = "submitted"
    TIME_EXPIRED = "time_expired"


STATE_VALUES = ", ".join(f"'{s.value}'" for s in AttemptState)


class AttemptPurpose(enum.StrEnum):
    """What an attempt is for: the course's full quiz, or the short update quiz after a material bank edition."""

    COURSE = "course"
    UPDATE = "update"


class Attempt(Base):
    """One sitting of a course's quiz, with its server-owned deadline."""

    __tablename__ = "attempt"
    __table_args__ = (
        CheckConstraint(f"state IN ({STATE_VALUES})", name="state_valid"),
        CheckConstraint("score_pct IS NULL OR (score_pct BETWEEN 0 AND 100)", name="score_range"),
        CheckConstraint("deadline_at > started_at", name="deadline_after_start"),
        CheckConstraint("(purpose = 'course' AND edition_id IS NULL) "
                        "OR (purpose = 'update' AND edition_id IS NOT NULL)", name="purpose_valid"),
        # One attempt in progress per person per course, enforced by the database itself.
        Index("uq_attempt_one_in_progress", "user_id", "course_id", unique=True,
              sqlite_where=text("state = 'in_progress'"), postgresql_where=text("state = 'in_progress'")),
        Index("ix_attempt_user_course_started", "user_id", "course_id", "started_at"),
        Index("ix_attempt_state_deadline", "state", "deadline_at"),
        # "Has this person passed the update for this edition?" is asked for every current pass.
        Index("ix_attempt_edition_user", "edition_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default=AttemptState.IN_PROGRESS.value)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finish_reason: Mapped[str | None] = mapped_column(String(16))
    time_limit_seconds: Mapped[int] = mapped_column(Integer)
    extra_time_pct: Mapped[int] = mapped_column(Integer, default=0)
    pass_mark_pct: Mapped[int] = mapped_column(Integer)
    score_pct: Mapped[int | None] = mapped_column(Integer)
    correct_count: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    # An update attempt draws only an edition's changed and added questions and never issues a certificate.
    purpose: Mapped[str] = mapped_column(String(8), default=AttemptPurpose.COURSE.value,
                                         server_default=AttemptPurpose.COURSE.value)
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("bank_edition.id"))

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    edition: Mapped[BankEdition | None] = relationship()
    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position", cascade="all, delete-orphan"
    )


class AttemptQuestion(Base):
    """A question as it was drawn into an attempt: a frozen snapshot plus the person's answer."""

    __tablename__ = "attempt_question"
    __table_args__ = (
        Index("uq_attempt_question_position", "attempt_id", "position", unique=True),
        # Item analysis sums a course's graded answers from this index alone: no wide rows, no join to attempt.
        Index("ix_attempt_question_analysis", "course_id", "finished_at", "question_id", "correct", "chosen_mask",
              "sure", "attempt_score", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    type: Mapped[str] = mapped_column(String(12))
    prompt: Mapped[str] = mapped_column(Text)
    # [{"id": random token, "text": ...}] in the order shown to this person; no correctness here.
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    correct_option_ids: Mapped[list[str]] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text)
    source_title: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    images: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list, server_default="[]")
    answer: Mapped[list[str] | None] = mapped_column(JSON)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    correct: Mapped[bool | None] = mapped_column(Boolean)
    # The chosen options as bits of their rank among the sorted option texts (engine.choices), saved with the answer.
    chosen_mask: Mapped[int | None] = mapped_column(Integer)
    # "Sure" (True) or "Not sure" (False) when the course asks; None when it does not or the person did not say.
    sure: Mapped[bool | None] = mapped_column(Boolean)
    # Copied from the attempt when it is graded (finalise), so item analysis reads one table: the attempt's course,
    # person, finish time and number right. None while the attempt is in progress.
    course_id: Mapped[int | None] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(Integer)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempt_score: Mapped[int | None] = mapped_column(Integer)

    attempt: Mapped[Attempt] = relationship(back_populates="questions")
    question: Mapped[Question] = relationship()
