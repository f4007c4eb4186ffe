"""Factories that build real rows through the same operations the app uses."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.certificates.issue import issue_for
from quizapp.models import Attempt, Certificate, Course, FinishReason, School, StaffGroup, User
from quizapp.people.accounts import hash_password
from quizapp.quiz.answers import save_all
from quizapp.quiz.attempts import finalise, start_or_resume

DEFAULT_PASSWORD = "correct horse battery"
BASE_URL = "http://quizapp.test/"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _hashed(password: str) -> str:
    # scrypt is deliberately slow; one hash per distinct password keeps the suite quick.
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def get_or_create_school(session: Session, name: str) -> School:
    """The school with this name, created if needed."""
    school = session.scalar(select(School).where(School.name == name))
    if school is None:
        school = School(name=name)
        session.add(school)
        session.flush()
    return school


def get_or_create_group(session: Session, name: str) -> StaffGroup:
    """The staff group with this name, created if needed."""
    group = session.scalar(select(StaffGroup).where(StaffGroup.name == name))
    if group is None:
        group = StaffGroup(name=name)
        session.add(group)
        session.flush()
    return group


def make_user(session: Session, role: str = "staff", *, school: str | None = "School A",
              group: str | None = "Teaching staff", password: str = DEFAULT_PASSWORD, active: bool = True,
              first_name: str | None = None, last_name: str = "Tester", extra_time_pct: int = 0) -> User:
    """Add a person with a real password hash."""
    n = next(_counter)
    user = User(email=f"{role}{n}@example.org", first_name=first_name or f"{role.capitalize()}{n}",
                last_name=last_name, role=role, active=active, extra_time_pct=extra_time_pct,
                school=get_or_create_school(session, school) if school else None,
                staff_group=get_or_create_group(session, group) if group else None,
                password_hash=_hashed(password))
    session.add(user)
    session.flush()
    return user


def make_course(session: Session, *, questions: int = 5, draw_count: int | None = None, title: str | None = None,
                time_limit: int = 10, pass_mark: int = 80, max_per_day: int = 3, cooldown: int = 30,
                validity_months: int = 12, types: tuple[str, ...] = ("single", "multiple", "true_false")):
    """A course over one fresh bank whose first option (or the first two, for multiple) is right."""
    from quizapp.models import Course, CourseBank, Question, QuestionBank

    n = next(_counter)
    bank = QuestionBank(slug=f"bank-{n}", title=f"Bank {n}", edition="2026-01", summary="A bank.",
                        learning="## Learn\n\nRead this **carefully**.",
                        sources=[{"id": "src", "title": "Test source", "url": "https://example.org/src"}])
    session.add(bank)
    for i in range(questions):
        kind = types[i % len(types)]
        if kind == "true_false":
            options = [{"text": "True", "correct": True}, {"text": "False", "correct": False}]
        elif kind == "multiple":
            options = [{"text": f"Right A{i}", "correct": True}, {"text": f"Right B{i}", "correct": True},
                       {"text": f"Wrong C{i}", "correct": False}]
        else:
            options = [{"text": f"Right {i}", "correct": True}, {"text": f"Wrong {i}", "correct": False},
                       {"text": f"Also wrong {i}", "correct": False}]
        session.add(Question(bank=bank, qid=f"q-{i:03d}", version=1, type=kind, prompt=f"Question {i} of bank {n}?",
                             options=options, explanation=f"Secret explanation {n}-{i}.", source_id="src",
                             source_title="Test source", source_url="https://example.org/src", tags=[],
                             content_hash=f"h{n}-{i}"))
    course = Course(title=title or f"Course {n}", summary="A course.", time_limit_minutes=time_limit,
                    pass_mark_pct=pass_mark, max_attempts_per_day=max_per_day, cooldown_minutes=cooldown,
                    validity_months=validity_months)
    course.banks = [CourseBank(bank=bank, question_count=draw_count or questions, position=0)]
    session.add(course)
    session.flush()
    return course


def certify(session: Session, user: User, course: Course, when: datetime) -> Certificate:
    """Start the course's quiz, answer every question right and submit through the real operations; the certificate."""
    issued: list[Certificate] = []

    def on_pass(s: Session, attempt: Attempt, moment: datetime) -> None:
        issued.append(issue_for(s, attempt, moment, BASE_URL))

    attempt = start_or_resume(session, user, course, when, on_pass)
    assert save_all(session, attempt, {item.id: item.correct_option_ids for item in attempt.questions}, when) == []
    assert finalise(session, attempt, when + timedelta(minutes=2), FinishReason.SUBMITTED, on_pass)
    assert len(issued) == 1
    return issued[0]


def make_cast(session: Session, *, school_a: str = "School A", first_name: str | None = None,
              last_name: str = "Tester") -> dict[str, User]:
    """The one cast of the tests: admin, two DSLs in two schools, two staff in school A, one in school B."""
    return {
        "admin": make_user(session, "admin", school=school_a),
        "dsl": make_user(session, "dsl", school=school_a),
        "other_dsl": make_user(session, "dsl", school="School B"),
        "staff": make_user(session, "staff", school=school_a, first_name=first_name, last_name=last_name),
        "other_staff": make_user(session, "staff", school=school_a),
        "far_staff": make_user(session, "staff", school="School B"),
    }


PAIRS = {"DSL": "Designated safeguarding lead", "LADO": "Local authority designated officer",
         "KCSIE": "Keeping children safe in education"}
STEPS = ["Listen without judging", "Tell the child what happens next", "Write down what was said",
         "Tell the DSL the same day"]


def make_pair_course(session: Session) -> int:
    """A course drawing one matching and one ordering question (pass mark 100 %); returns its id."""
    from quizapp.models import Course, CourseBank, Question, QuestionBank

    bank = QuestionBank(slug="pairs", title="Pairs", edition="2026-01", summary="S.", learning="L.",
                        sources=[{"id": "kcsie", "title": "KCSIE"}])
    rows = [("m-1", "matching", "Match each term with its meaning.",
             [{"text": k, "correct": False, "match": v} for k, v in PAIRS.items()]),
            ("o-1", "ordering", "Put these steps after a disclosure in order.",
             [{"text": s, "correct": False} for s in STEPS])]
    for qid, kind, prompt, options in rows:
        session.add(Question(bank=bank, qid=qid, version=1, type=kind, prompt=prompt, options=options,
                             explanation="Because.", source_id="kcsie", source_title="KCSIE", source_url=None,
                             tags=[], content_hash=qid))
    course = Course(title="Pairs course", summary="S.", time_limit_minutes=10, pass_mark_pct=100,
                    max_attempts_per_day=3, cooldown_minutes=0, validity_months=12)
    course.banks = [CourseBank(bank=bank, question_count=2, position=0)]
    session.add(course)
    session.flush()
    return course.id
