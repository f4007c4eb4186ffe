"""Fixtures for the Flask test-client tests: a quiz course and the two-school compliance world."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from quizapp.extensions import db
from quizapp.models import User

from ..clock import Clock
from ..factories import make_course
from .dsl_helpers import D0, DAY, NAMES, T0, attempt, backdate_people, certificate, require


@pytest.fixture()
def course_id(app: Flask) -> int:
    """A ten-minute course of six questions (single, multiple and true/false in turn)."""
    with app.app_context():
        course = make_course(db.session, questions=6, time_limit=10)
        db.session.commit()
        return course.id


@pytest.fixture()
def world(app: Flask, people: dict, clock: Clock) -> dict:
    """Two courses required of teaching staff, and a known status for each person in two schools."""
    with app.app_context():
        s = db.session
        annual, prevent = make_course(s, title="Annual safeguarding"), make_course(s, title="Prevent duty")
        require(s, annual, "Teaching staff")
        require(s, prevent, "Teaching staff")
        users = {key: s.get(User, people[key]) for key in NAMES}
        for key, name in NAMES.items():
            users[key].first_name = name
        for key in ("staff", "admin", "far_staff"):
            certificate(s, users[key], annual, T0 - 100 * DAY, D0 + 200 * DAY)
        certificate(s, users["staff"], prevent, T0 - 300 * DAY, D0 + 10 * DAY)
        certificate(s, users["other_staff"], annual, T0 - 400 * DAY, D0 - 5 * DAY)
        attempt(s, users["other_staff"], prevent, T0 - timedelta(minutes=2))
        for key in ("admin", "far_staff", "other_dsl"):
            certificate(s, users[key], prevent, T0 - 50 * DAY, D0 + 300 * DAY)
        backdate_people(s)
        s.commit()
        return {"annual": annual.id, "prevent": prevent.id, **people}
