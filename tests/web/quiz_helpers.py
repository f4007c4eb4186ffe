"""Shared by the quiz tests: a six-question course and starting an attempt on it."""
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db

from ..factories import make_course


@pytest.fixture()
def course_id(app: Flask) -> int:
    """A ten-minute course of six questions (single, multiple and true/false in turn)."""
    with app.app_context():
        course = make_course(db.session, questions=6, time_limit=10)
        db.session.commit()
        return course.id


def start_attempt(client: FlaskClient, course_id: int) -> int:
    """Start (or resume) the course's quiz as the signed-in client; the attempt's id."""
    response = client.post(f"/courses/{course_id}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))
