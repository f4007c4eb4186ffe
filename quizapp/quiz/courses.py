"""Course administration operations: validated create and update, shared by the admin screen and the CLI."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..engine.review import DEFAULT_FAILED_REVIEW, FailedReview
from ..models import Course, CourseBank, Question, QuestionBank, StaffGroup
from ..models.banks import QuestionStatus


class CourseError(ValueError):
    """Bad course input; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class CourseInput:
    """Everything an admin sets on a course."""

    title: str
    summary: str
    time_limit_minutes: int
    pass_mark_pct: int
    max_attempts_per_day: int
    cooldown_minutes: int
    validity_months: int
    active: bool
    ask_confidence: bool = False  # ask "How sure are you?" after each answer
    failed_review: str = DEFAULT_FAILED_REVIEW.value  # what a failed attempt's review shows
    bank_counts: dict[int, int] = field(default_factory=dict)  # bank id -> questions drawn (0: not used)
    required_group_ids: list[int] = field(default_factory=list)


def live_counts(session: Session) -> dict[int, int]:
    """Live questions that can be drawn (drafts are not counted) per bank id, in one query."""
    rows = session.execute(select(Question.bank_id, func.count()).where(
        Question.superseded_at.is_(None), Question.retired_at.is_(None),
        Question.status == QuestionStatus.READY.value).group_by(Question.bank_id))
    return dict(rows.all())


def _check(session: Session, data: CourseInput, course: Course | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    clash = session.scalar(select(Course.id).where(func.lower(Course.title) == data.title.strip().lower()))
    if not data.title.strip():
        errors["title"] = "Enter a title."
    elif clash is not None and (course is None or clash != course.id):
        errors["title"] = "Another course already has this title."
    if data.failed_review not in {choice.value for choice in FailedReview}:
        errors["failed_review"] = "Choose what the review shows after a failed attempt."
    used = {bank_id: count for bank_id, count in data.bank_counts.items() if count}
    if not used:
        errors["banks"] = "Choose at least one question bank and how many questions to draw from it."
    live = live_counts(session)
    titles = dict(session.execute(select(QuestionBank.id, QuestionBank.title)).all())
    for bank_id, count in used.items():
        if bank_id not in titles:
            errors[f"bank-{bank_id}"] = "That question bank does not exist."
        elif count < 0 or count > live.get(bank_id, 0):
            errors[f"bank-{bank_id}"] = (f"'{titles[bank_id]}' has {live.get(bank_id, 0)} live questions; "
                                         f"draw between 0 and {live.get(bank_id, 0)}.")
    return errors


def save_course(session: Session, data: CourseInput, course: Course | None = None) -> Course:
    """Create or update a course (flush only); raises CourseError naming each bad field."""
    errors = _check(session, data, course)
    if errors:
        raise CourseError(errors)
    course = course or Course()
    course.title, course.summary = data.title.strip(), data.summary.strip()
    for name in ("time_limit_minutes", "pass_mark_pct", "max_attempts_per_day", "cooldown_minutes",
                 "validity_months", "active", "ask_confidence", "failed_review"):
        setattr(course, name, getattr(data, name))
    banks = {b.id: b for b in session.scalars(select(QuestionBank).where(QuestionBank.id.in_(data.bank_counts)))}
    course.banks = [CourseBank(bank=banks[bank_id], question_count=count, position=i)
                    for i, (bank_id, count) in enumerate(sorted(data.bank_counts.items())) if count]
    course.required_for = list(session.scalars(select(StaffGroup).where(StaffGroup.id.in_(data.required_group_ids))))
    session.add(course)
    session.flush()
    return course
