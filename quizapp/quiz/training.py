"""A person's training overview: each course with its status, in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..compliance.external import external_cover, later
from ..compliance.status import Status, status_for
from ..compliance.updates import update_by_for
from ..engine import timing
from ..models import Attempt, AttemptState, BankEdition, Course, CourseBank, CourseRequirement, User
from .updates import current_passes, owed_updates


@dataclass(frozen=True)
class CourseLine:
    """One course as a person sees it on "My training"."""

    course: Course
    required: bool
    status: Status
    valid_until: date | None
    attempt: Attempt | None
    seconds_left: int | None
    update: BankEdition | None = None  # the material edition whose update quiz the pass owes, if any
    update_by: date | None = None


def training_lines(session: Session, user: User, now: datetime, due_soon_days: int) -> list[CourseLine]:
    """Every active course for this person, required ones first."""
    courses = session.scalars(select(Course).where(Course.active.is_(True))
                              .options(selectinload(Course.banks).joinedload(CourseBank.bank))
                              .order_by(Course.title)).all()
    passes = current_passes(session, user.id)
    owed = owed_updates(session, user.id, now, passes)
    valid: dict[int, date | None] = {course_id: until for course_id, (until, _) in passes.items()}
    update_by = {course_id: edition.update_required_by for course_id, edition in owed.items()}
    # Approved training done elsewhere covers a course too; the later expiry wins, as in the DSL's matrix.
    for _, course_id, until in session.execute(external_cover(now + timedelta(days=1), [user.id])):
        if course_id is not None:
            update_by[course_id] = update_by_for(valid.get(course_id), until, update_by.get(course_id))
            valid[course_id] = later(valid.get(course_id), until)[0]
    running = {a.course_id: a for a in session.scalars(select(Attempt).where(
        Attempt.user_id == user.id, Attempt.state == AttemptState.IN_PROGRESS.value))}
    required = set(session.scalars(select(CourseRequirement.course_id).where(
        CourseRequirement.staff_group_id == user.staff_group_id))) if user.staff_group_id else set()
    lines = []
    for course in courses:
        attempt = running.get(course.id)
        live = attempt is not None and not timing.is_overdue(attempt.deadline_at, now)
        status = status_for(valid.get(course.id), live, now.date(), due_soon_days, required=course.id in required,
                            update_by=update_by.get(course.id))
        if status is Status.NOT_REQUIRED and live:
            status = Status.IN_PROGRESS
        lines.append(CourseLine(course, course.id in required, status, valid.get(course.id),
                                attempt if live else None,
                                timing.seconds_left(attempt.deadline_at, now) if live and attempt else None,
                                owed.get(course.id) if update_by.get(course.id) else None, update_by.get(course.id)))
    return sorted(lines, key=lambda line: (not line.required, line.course.title))
