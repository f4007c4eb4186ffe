"""A person's training overview: each course with its status, in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..compliance.external import external_cover, later
from ..compliance.status import Status, status_for
from ..engine import timing
from ..models import Attempt, AttemptState, Certificate, Course, CourseBank, CourseRequirement, User


@dataclass(frozen=True)
class CourseLine:
    """One course as a person sees it on "My training"."""

    course: Course
    required: bool
    status: Status
    valid_until: date | None
    attempt: Attempt | None
    seconds_left: int | None


def training_lines(session: Session, user: User, now: datetime, due_soon_days: int) -> list[CourseLine]:
    """Every active course for this person, required ones first."""
    courses = session.scalars(select(Course).where(Course.active.is_(True))
                              .options(selectinload(Course.banks).joinedload(CourseBank.bank))
                              .order_by(Course.title)).all()
    held = select(Certificate.course_id, func.max(Certificate.valid_until)).where(
        Certificate.user_id == user.id, Certificate.counts).group_by(Certificate.course_id)
    valid: dict[int, date | None] = dict(session.execute(held).all())
    # Approved training done elsewhere covers a course too; the later expiry wins, as in the DSL's matrix.
    for _, course_id, until in session.execute(external_cover(now + timedelta(days=1), [user.id])):
        if course_id is not None:
            valid[course_id] = later(valid.get(course_id), until)[0]
    running = {a.course_id: a for a in session.scalars(select(Attempt).where(
        Attempt.user_id == user.id, Attempt.state == AttemptState.IN_PROGRESS.value))}
    required = set(session.scalars(select(CourseRequirement.course_id).where(
        CourseRequirement.staff_group_id == user.staff_group_id))) if user.staff_group_id else set()
    lines = []
    for course in courses:
        attempt = running.get(course.id)
        live = attempt is not None and not timing.is_overdue(attempt.deadline_at, now)
        status = status_for(valid.get(course.id), live, now.date(), due_soon_days, required=course.id in required)
        if status is Status.NOT_REQUIRED and live:
            status = Status.IN_PROGRESS
        lines.append(CourseLine(course, course.id in required, status, valid.get(course.id),
                                attempt if live else None,
                                timing.seconds_left(attempt.deadline_at, now) if live and attempt else None))
    return sorted(lines, key=lambda line: (not line.required, line.course.title))
