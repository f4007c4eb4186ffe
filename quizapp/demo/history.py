"""Demo history: training rules in the spirit of KCSIE and a year of attempts, so every status shows."""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..banks.commands import SHIPPED
from ..banks.loader import load_bank_dir
from ..banks.store import apply_import
from ..certificates.issue import issue_for
from ..models import Course, CourseBank, FinishReason, QuestionBank, Role, StaffGroup, User
from ..quiz.attempts import finalise, new_attempt
from ..quiz.courses import CourseInput, live_counts, save_course

ANNUAL = ["sextortion-signs", "doxing", "mandatory-reporting"]
RECRUITERS = ["dbs-filtering"]  # for people who check applicants: the office and the safeguarding team
DSL_BANKS = ["child-criminal-exploitation", "honour-based-abuse"]
DSL_COURSE = "DSL update: exploitation and honour-based abuse"
# Days before today each scenario's pass happened (None: no pass), cycled across people and courses.
SCENARIOS: list[int | str | None] = [40, 200, 355, 390, None, 120, "in_progress", 20, 500, None, 330, 90]


def _course_for(session: Session, slug: str) -> Course | None:
    return session.scalar(select(Course).join(CourseBank).join(QuestionBank).where(QuestionBank.slug == slug))


def _require(session: Session, course: Course, groups: list[StaffGroup]) -> None:
    course.required_for = sorted({*course.required_for, *groups}, key=lambda g: g.name)


def set_rules(session: Session) -> list[Course]:
    """Annual courses for every group, DBS filtering for recruiters, a two-year course for the DSL group."""
    groups = {g.name: g for g in session.scalars(select(StaffGroup))}
    required = []
    for slug in ANNUAL:
        if course := _course_for(session, slug):
            _require(session, course, list(groups.values()))
            required.append(course)
    for slug in RECRUITERS:
        if course := _course_for(session, slug):
            _require(session, course, [groups["Safeguarding team"], groups["Office and site staff"]])
            required.append(course)
    banks = {b.slug: b.id for b in session.scalars(select(QuestionBank).where(QuestionBank.slug.in_(DSL_BANKS)))}
    if len(banks) == len(DSL_BANKS) and not session.scalar(select(Course).where(Course.title == DSL_COURSE)):
        live = live_counts(session)
        required.append(save_course(session, CourseInput(
            title=DSL_COURSE, summary="The two-yearly update for the safeguarding team: criminal exploitation, "
            "county lines, honour-based abuse, FGM and forced marriage.", time_limit_minutes=20, pass_mark_pct=80,
            max_attempts_per_day=3, cooldown_minutes=30, validity_months=24, active=True,
            bank_counts={bank_id: min(8, live.get(bank_id, 0)) for bank_id in banks.values()},
            required_group_ids=[groups["Safeguarding team"].id])))
    session.flush()
    return required


def _sit(session: Session, user: User, course: Course, started: datetime, passed: bool, rng: random.Random,
         base_url: str) -> None:
    attempt = new_attempt(session, user, course, started, rng)
    session.flush()
    for item in attempt.questions:
        wrong = [o["id"] for o in item.options if o["id"] not in item.correct_option_ids][:1]
        item.answer = item.correct_option_ids if passed or rng.random() < 0.4 else wrong
        item.answered_at = started
    finalise(session, attempt, started + timedelta(minutes=rng.randint(5, 12)), FinishReason.SUBMITTED,
             partial(issue_for, base_url=base_url))


def seed_history(session: Session, now: datetime, base_url: str, seed: int = 2026) -> int:
    """Give the demo staff a spread of passes, lapses, fails and a quiz in progress; return attempts made."""
    if session.scalar(select(QuestionBank.id).limit(1)) is None:
        for spec in load_bank_dir(SHIPPED):
            apply_import(session, spec, now)
    courses = set_rules(session)
    rng = random.Random(seed)
    people = session.scalars(select(User).where(User.role != Role.ADMIN.value).order_by(User.id)).all()
    made = 0
    for p_index, person in enumerate(people):
        for c_index, course in enumerate(courses):
            if person.staff_group not in course.required_for:
                continue
            scenario = SCENARIOS[(p_index + c_index) % len(SCENARIOS)]
            if person.email == "staff@demo.school":
                scenario = 40 if c_index == 0 else None  # leave the demo teacher something to do
            if scenario == "in_progress":
                new_attempt(session, person, course, now - timedelta(minutes=3), rng)
            elif isinstance(scenario, int):
                if scenario % 3 == 0:  # a failed try a few days before the pass
                    _sit(session, person, course, now - timedelta(days=scenario + 3), False, rng, base_url)
                _sit(session, person, course, now - timedelta(days=scenario), True, rng, base_url)
            made += scenario is not None
    session.flush()
    seed_events(session, now, base_url)
    return made


def seed_events(session: Session, now: datetime, base_url: str) -> None:
    """A revoked and a reissued certificate, a leaver from last month and a newcomer with no staff group yet."""
    from ..certificates.manage import reissue, revoke
    from ..models import Certificate, School

    admin = session.scalar(select(User).where(User.email == "admin@demo.school"))
    certs = session.scalars(select(Certificate).join(User, User.id == Certificate.user_id)
                            .where(Certificate.valid_until >= now.date(), User.email != "staff@demo.school")
                            .order_by(Certificate.id).limit(2)).all()
    if admin is None or len(certs) < 2:
        return
    revoke(session, certs[0], admin, "Issued to the wrong person: the quiz was taken on a shared login.",
           now - timedelta(days=6))
    reissue(session, certs[1], admin, now - timedelta(days=3), base_url)
    leaver = session.scalar(select(User).where(User.role == Role.STAFF.value, User.email != "staff@demo.school")
                            .order_by(User.id.desc()).limit(1))
    if leaver is not None:
        leaver.active, leaver.deactivated_at = False, now - timedelta(days=30)
    school = session.scalar(select(School).order_by(School.id).limit(1))
    session.add(User(email="new.starter@demo.school", first_name="Nia", last_name="Newstart", role=Role.STAFF.value,
                     school=school, staff_group=None, password_hash=admin.password_hash))
    session.flush()
