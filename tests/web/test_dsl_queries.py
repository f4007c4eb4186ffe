"""The number of SQL statements per compliance page does not grow with staff, attempts, certificates or training
done elsewhere."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask

from quizapp.extensions import db
from quizapp.models import Course, User

from ..conftest import sign_in
from ..factories import make_user
from .dsl_helpers import D0, T0, attempt, backdate_people, certificate, counted_statements
from .external_helpers import external_record

DAY = timedelta(days=1)


def _grow(app: Flask, world: dict, people: int) -> None:
    """Many more staff in both schools, each with several attempts and certificates, some lapsed or revoked."""
    with app.app_context():
        s = db.session
        courses = [s.get(Course, world["annual"]), s.get(Course, world["prevent"])]
        sam = s.get(User, world["staff"])
        dsl = s.get(User, world["dsl"])
        for n in range(40):  # a long record for the person page
            attempt(s, sam, courses[n % 2], T0 - (n + 2) * DAY, finished=T0 - (n + 2) * DAY + timedelta(minutes=5),
                    passed=False)
        for i in range(people):
            person = make_user(s, "staff", first_name=f"Grown{i:03d}", school="School A" if i % 3 else "School B")
            for j, course in enumerate(courses):
                if (i + j) % 4 == 0:
                    attempt(s, person, course, T0 - timedelta(minutes=3))
                    continue
                certificate(s, person, course, T0 - (400 + i) * DAY, D0 - (30 + i) * DAY)
                certificate(s, person, course, T0 - (i + j) * DAY, D0 + (300 - i * 5) * DAY,
                            revoked=T0 - DAY if i % 7 == 0 else None)
            # Training done elsewhere: approved (covering a course, or not), and some waiting for the DSL.
            external_record(s, person, courses[i % 2].id if i % 3 else None, D0 - (i % 50 + 1) * DAY,
                            D0 + (i % 90) * DAY, decider=dsl if i % 5 else None, decided_at=T0 - DAY)
        backdate_people(s)
        s.commit()


PAGES = [
    ("admin_email", "/dsl/"),
    ("admin_email", "/dsl/?status=not_covered&sort=course-{annual}&as_at=2026-10-01"),
    ("admin_email", "/dsl/?course={prevent}&status=covered&sort=school&page=2"),
    ("dsl_email", "/dsl/?q=e&sort=group"),
    ("dsl_email", "/dsl/export.csv?status=not_covered"),
    ("admin_email", "/dsl/export.xlsx?sort=course-{prevent}"),
    ("dsl_email", "/dsl/people/{staff}"),
    ("dsl_email", "/dsl/training-elsewhere"),
    ("admin_email", "/dsl/training-elsewhere"),
    ("staff_email", "/training-elsewhere"),
    ("staff_email", "/training"),
]


def _counts(app: Flask, world: dict) -> dict[str, int]:
    counts = {}
    for who, template in PAGES:
        client = app.test_client()
        sign_in(client, world[who])
        url = template.format(**world)
        assert client.get(url).status_code == 200  # warm-up: settings row and the like exist afterwards
        with counted_statements(app) as statements:
            assert client.get(url).status_code == 200
        counts[url] = len(statements)
    return counts


def test_statement_count_is_the_same_at_two_sizes(app: Flask, world: dict) -> None:
    small = _counts(app, world)
    _grow(app, world, people=150)
    with app.app_context():
        assert db.session.query(User).count() > 150
    large = _counts(app, world)
    assert large == small
    # Courses, update quizzes owed, policies and training done elsewhere each cost a fixed few statements; My
    # training (which shows all four) and the person page the most.
    assert max(small.values()) <= 17, small
