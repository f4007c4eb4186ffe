"""Courses: which banks they draw from, their rules, and who must hold them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow
from ..engine.review import DEFAULT_FAILED_REVIEW, FailedReview
from .banks import QuestionBank
from .users import StaffGroup

FAILED_REVIEW_SQL = ", ".join(f"'{choice.value}'" for choice in FailedReview)


class Course(Base):
    """A course: read the learning page, pass the timed quiz, hold a certificate for `validity_months`."""

    __tablename__ = "course"
    __table_args__ = (
        CheckConstraint("time_limit_minutes BETWEEN 1 AND 600", name="time_limit_range"),
        CheckConstraint("pass_mark_pct BETWEEN 1 AND 100", name="pass_mark_range"),
        CheckConstraint("max_attempts_per_day BETWEEN 1 AND 50", name="attempts_range"),
        CheckConstraint("cooldown_minutes BETWEEN 0 AND 10080", name="cooldown_range"),
        CheckConstraint("validity_months BETWEEN 1 AND 120", name="validity_range"),
        CheckConstraint(f"failed_review IN ({FAILED_REVIEW_SQL})", name="failed_review_choice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    time_limit_minutes: Mapped[int] = mapped_column(Integer, default=15)
    pass_mark_pct: Mapped[int] = mapped_column(Integer, default=80)
    max_attempts_per_day: Mapped[int] = mapped_column(Integer, default=3)
    cooldown_minutes: Mapped[int] = mapped_column(Integer, default=30)
    validity_months: Mapped[int] = mapped_column(Integer, default=12)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # After each answer, ask "How sure are you?" (sure / not sure), so analysis can show confident mistakes.
    ask_confidence: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # What a failed attempt's review shows (engine.review.FailedReview); after a pass it shows everything.
    failed_review: Mapped[str] = mapped_column(String(20), default=DEFAULT_FAILED_REVIEW.value,
                                               server_default=DEFAULT_FAILED_REVIEW.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    banks: Mapped[list[CourseBank]] = relationship(back_populates="course", cascade="all, delete-orphan",
                                                   order_by="CourseBank.position")
    required_for: Mapped[list[StaffGroup]] = relationship(secondary="course_requirement", order_by="StaffGroup.name")

    @property
    def question_count(self) -> int:
        """How many questions an attempt draws in all."""
        return sum(link.question_count for link in self.banks)


class CourseBank(Base):
    """A bank a course draws from, and how many questions it draws."""

    __tablename__ = "course_bank"
    __table_args__ = (CheckConstraint("question_count BETWEEN 1 AND 200", name="count_range"),)

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_bank.id"), primary_key=True)
    question_count: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    course: Mapped[Course] = relationship(back_populates="banks")
    bank: Mapped[QuestionBank] = relationship(lazy="joined")


class CourseRequirement(Base):
    """A staff group that must hold a course (its validity is the renewal period)."""

    __tablename__ = "course_requirement"

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    staff_group_id: Mapped[int] = mapped_column(ForeignKey("staff_group.id", ondelete="CASCADE"), primary_key=True)
