"""Who is due a reminder, and sending learner reminders and DSL digests: set-based queries, throttled per week."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ..compliance.asat import as_at
from ..compliance.external import external_cover, later_sql
from ..compliance.status import Status, status_for
from ..compliance.updates import held_cover, update_by_sql
from ..models import Attempt, AttemptState, Course, CourseRequirement, ReminderLog, Role, School, User
from .policy_reminders import DuePolicy, due_policies, recently_reminded

DUE_STATUSES = (Status.DUE_SOON, Status.UPDATE_REQUIRED, Status.UPDATE_OVERDUE, Status.EXPIRED, Status.NOT_STARTED)
THROTTLE = timedelta(days=7)
SENT, FAILED = "sent", "failed"


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True)
class DueCourse:
    """A required course a person must act on."""

    course_id: int
    title: str
    status: Status
    valid_until: date | None
    update_by: date | None = None  # the update quiz's deadline after a material bank edition

    def describe(self) -> str:
        """Plain words for the status, such as "expired on 1 November 2026"."""
        if self.status is Status.UPDATE_REQUIRED and self.update_by:
            return (f"update required by {_day(self.update_by)}: the questions changed, so read what changed "
                    "and take the short update quiz")
        if self.status is Status.UPDATE_OVERDUE and self.update_by:
            return f"update overdue: the short update quiz was due by {_day(self.update_by)}"
        if self.status is Status.DUE_SOON and self.valid_until:
            return f"due soon: your certificate runs out on {_day(self.valid_until)}"
        if self.status is Status.EXPIRED and self.valid_until:
            return f"expired on {_day(self.valid_until)}"
        return "not started"


@dataclass
class DuePerson:
    """An active person with at least one due, expired or not started required course."""

    user_id: int
    email: str
    first_name: str
    last_name: str
    school_id: int | None
    school_name: str | None
    courses: list[DueCourse] = field(default_factory=list)
    policies: list[DuePolicy] = field(default_factory=list)  # policies to read and acknowledge

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"


@dataclass
class Digest:
    """One DSL's summary of their school."""

    dsl: User
    school_name: str
    people: list[DuePerson]


@dataclass
class Plan:
    """Who would be e-mailed now: learners (courses not reminded within a week) and DSL digests."""

    learners: list[DuePerson]
    throttled: int
    digests: list[Digest]
    due: list[DuePerson]


@dataclass
class Summary:
    """What a run sent."""

    learners: int = 0
    courses: int = 0
    digests: int = 0
    throttled: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    policies: int = 0

    def describe(self, dry_run: bool = False) -> str:
        """One line for the CLI and the page."""
        verb = "Would send" if dry_run else "Queued"
        policies = f", {self.policies} polic{'y' if self.policies == 1 else 'ies'}" if self.policies else ""
        text = (f"{verb} {self.learners} reminder{'' if self.learners == 1 else 's'} covering {self.courses} "
                f"course{'' if self.courses == 1 else 's'}{policies} and {self.digests} DSL digest"
                f"{'' if self.digests == 1 else 's'}; {self.throttled} skipped (reminded in the last 7 days).")
        return text + (f" {len(self.failures)} could not be sent." if self.failures else "")


def due_people(session: Session, now: datetime, due_soon_days: int, school_id: int | None = None) -> list[DuePerson]:
    """Active people with required courses due soon, expired or not started: one query whatever the head count."""
    # Certificates that count today, with the update quiz any pass owes after a material bank edition.
    certs = held_cover(as_at(now.date(), now, due_soon_days)).subquery()
    # Approved training done elsewhere covers a course too (compliance/external.py): the later expiry counts.
    elsewhere = external_cover(now + timedelta(days=1)).subquery()
    running = (select(Attempt.user_id, Attempt.course_id)
               .where(Attempt.state == AttemptState.IN_PROGRESS.value, Attempt.deadline_at > now).subquery())
    query = (select(User.id, User.email, User.first_name, User.last_name, User.school_id, School.name,
                    Course.id, Course.title, later_sql(certs.c.valid_until, elsewhere.c.valid_until),
                    running.c.user_id.label("running"),
                    update_by_sql(certs.c.valid_until, elsewhere.c.valid_until, certs.c.update_by))
             .select_from(User)
             .join(CourseRequirement, CourseRequirement.staff_group_id == User.staff_group_id)
             .join(Course, Course.id == CourseRequirement.course_id)
             .outerjoin(School, School.id == User.school_id)
             .outerjoin(certs, and_(certs.c.user_id == User.id, certs.c.course_id == Course.id))
             .outerjoin(elsewhere, and_(elsewhere.c.user_id == User.id, elsewhere.c.course_id == Course.id))
             .outerjoin(running, and_(running.c.user_id == User.id, running.c.course_id == Course.id))
             .where(User.active.is_(True), Course.active.is_(True))
             .order_by(User.last_name, User.first_name, User.id, Course.title))
    if school_id is not None:
        query = query.where(User.school_id == school_id)
    people: dict[int, DuePerson] = {}
    for uid, email, first, last, sid, school, cid, title, valid_until, run, update_by in session.execute(query):
        status = status_for(valid_until, run is not None, now.date(), due_soon_days, update_by=update_by)
        if status in DUE_STATUSES:
            person = people.setdefault(uid, DuePerson(uid, email, first, last, sid, school))
            person.courses.append(DueCourse(cid, title, status, valid_until, update_by))
    return list(people.values())


def _with_policies(session: Session, now: datetime, due: list[DuePerson], school_id: int | None) -> list[DuePerson]:
    """The people due a course, with their due policies, and those due only a policy, in name order."""
    people = {person.user_id: person for person in due}
    added = False
    for reader, policies in due_policies(session, now, school_id):
        if reader.user_id not in people:
            people[reader.user_id] = DuePerson(reader.user_id, reader.email, reader.first_name, reader.last_name,
                                               reader.school_id, reader.school_name)
            added = True
        people[reader.user_id].policies = policies
    if not added:
        return due
    return sorted(people.values(), key=lambda p: (p.last_name.lower(), p.first_name.lower(), p.user_id))


def _recently_reminded(session: Session, now: datetime) -> set[tuple[int, int | None]]:
    return {(uid, cid) for uid, cid in session.execute(
        select(ReminderLog.user_id, ReminderLog.course_id).where(
            ReminderLog.kind == "learner", ReminderLog.status == SENT, ReminderLog.sent_at > now - THROTTLE))}


def _digests(session: Session, now: datetime, due: list[DuePerson], school_id: int | None) -> list[Digest]:
    """A digest for each active DSL whose school has someone due, unless one went out within the week."""
    recent = set(session.scalars(select(ReminderLog.user_id).where(
        ReminderLog.kind == "dsl_digest", ReminderLog.status == SENT, ReminderLog.sent_at > now - THROTTLE)))
    query = select(User).where(User.role == Role.DSL.value, User.active.is_(True), User.school_id.is_not(None))
    if school_id is not None:
        query = query.where(User.school_id == school_id)
    by_school: dict[int, list[DuePerson]] = defaultdict(list)
    for person in due:
        if person.school_id is not None:
            by_school[person.school_id].append(person)
    return [Digest(dsl, dsl.school.name if dsl.school else "", by_school[dsl.school_id])
            for dsl in session.scalars(query.order_by(User.id))
            if dsl.id not in recent and dsl.school_id in by_school]


def plan_reminders(session: Session, now: datetime, due_soon_days: int, school_id: int | None = None,
                   with_digests: bool = True) -> Plan:
    """Who would be e-mailed now, leaving out each course reminded within 7 days: a fixed number of queries."""
    due = _with_policies(session, now, due_people(session, now, due_soon_days, school_id), school_id)
    recent, recent_policies = _recently_reminded(session, now), recently_reminded(session, now, THROTTLE)
    learners, throttled = [], 0
    for person in due:
        fresh = [line for line in person.courses if (person.user_id, line.course_id) not in recent]
        fresh_policies = [p for p in person.policies if (person.user_id, p.policy_id) not in recent_policies]
        throttled += len(person.courses) - len(fresh) + len(person.policies) - len(fresh_policies)
        if fresh or fresh_policies:
            learners.append(DuePerson(person.user_id, person.email, person.first_name, person.last_name,
                                      person.school_id, person.school_name, fresh, fresh_policies))
    digests = _digests(session, now, due, school_id) if with_digests else []
    return Plan(learners, throttled, digests, due)


def planned_summary(plan: Plan) -> Summary:
    """What sending this plan would do."""
    return Summary(len(plan.learners), sum(len(p.courses) for p in plan.learners), len(plan.digests), plan.throttled,
                   policies=sum(len(p.policies) for p in plan.learners))
