"""One person's record for the DSL: required courses and their status, every attempt, every certificate, a history."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..models import Attempt, AttemptPurpose, AttemptState, Certificate, Course, User
from .asat import AsAt
from .matrix import Cell, build_rows
from .requirements import Requirements
from .status import Status

HISTORY_LENGTH = 15


@dataclass(frozen=True)
class _PersonFacts:
    """The fields `build_rows` reads, taken from a User."""

    id: int
    first_name: str
    last_name: str
    email: str
    staff_group_id: int | None
    school: str
    group: str


@dataclass(frozen=True)
class Event:
    """One line of the person's history."""

    at: datetime
    text: str


@dataclass(frozen=True)
class PersonRecord:
    """Everything the person page shows."""

    person: User
    standings: list[tuple[Course, Cell]]
    attempts: list[Attempt]
    certificates: list[Certificate]
    history: list[Event]


def _standings(session: Session, person: User, when: AsAt, reqs: Requirements) -> list[tuple[Course, Cell]]:
    facts = _PersonFacts(person.id, person.first_name, person.last_name, person.email, person.staff_group_id,
                         person.school.name if person.school else "",
                         person.staff_group.name if person.staff_group else "")
    courses = reqs.columns()
    [row] = build_rows(session, [facts], courses, reqs, when, [person.id])
    return [
        (course, cell)
        for course, cell in zip(courses, row.cells, strict=True)
        if cell.status is not Status.NOT_REQUIRED
    ]


def history(person: User, attempts: list[Attempt], certificates: list[Certificate]) -> list[Event]:
    """The latest events, newest first: joining, quizzes, certificates issued, reissued or revoked, leaving."""
    events = [Event(person.created_at, "Account created")]
    if person.deactivated_at:
        events.append(Event(person.deactivated_at, "Account deactivated"))
    for a in attempts:
        quiz = "update quiz" if a.purpose == AttemptPurpose.UPDATE.value else "quiz"
        events.append(Event(a.started_at, f"Started the {a.course.title} {quiz}"))
        if a.finished_at and a.state == AttemptState.FINISHED.value:
            outcome = "passed" if a.passed else "did not pass"
            events.append(Event(a.finished_at, f"Finished the {a.course.title} {quiz}: {a.score_pct} %, {outcome}"))
    for c in certificates:
        events.append(Event(c.issued_at, f"Certificate {c.number} issued for {c.course_title}"))
        if c.superseded_at:
            events.append(Event(c.superseded_at, f"Certificate {c.number} replaced by a reissue"))
        if c.revoked_at:
            events.append(Event(c.revoked_at, f"Certificate {c.number} revoked"))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:HISTORY_LENGTH]


def person_record(session: Session, person: User, when: AsAt, reqs: Requirements) -> PersonRecord:
    """The page's data in four queries, however many attempts and certificates the person has."""
    attempts = list(
        session.scalars(
            select(Attempt)
            .options(joinedload(Attempt.course))
            .where(Attempt.user_id == person.id)
            .order_by(Attempt.started_at.desc(), Attempt.id.desc())
        )
    )
    certificates = list(
        session.scalars(
            select(Certificate)
            .where(Certificate.user_id == person.id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )
    return PersonRecord(
        person, _standings(session, person, when, reqs), attempts, certificates, history(person, attempts, certificates)
    )
