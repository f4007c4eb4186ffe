"""Helpers shared by the certificate screen tests: certificates made through the real attempt operations."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.quiz.attempts import finalise, save_answer, start_or_resume
from quizapp.certificates.issue import issue_for
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Certificate, Course, FinishReason, User

from ..conftest import sign_in

BASE_URL = "http://quizapp.test/"


def certify(session: Session, user: User, course: Course, when: datetime) -> Certificate:
    """Start the course's quiz, answer every question correctly and submit; return the certificate issued."""
    issued: list[Certificate] = []

    def on_pass(s: Session, attempt: Attempt, moment: datetime) -> None:
        issued.append(issue_for(s, attempt, moment, BASE_URL))

    attempt = start_or_resume(session, user, course, when, on_pass)
    assert isinstance(attempt, Attempt), attempt
    for item in attempt.questions:
        save_answer(session, attempt, item.id, item.correct_option_ids, when)
    assert finalise(session, attempt, when + timedelta(minutes=2), FinishReason.SUBMITTED, on_pass)
    assert len(issued) == 1
    return issued[0]


def pass_over_http(app: Flask, client: FlaskClient, email: str, course_id: int) -> str:
    """Sign in, start, answer everything right and submit through the web pages; return the result page."""
    sign_in(client, email)
    started = client.post(f"/courses/{course_id}/start")
    assert started.status_code == 302, started.get_data(as_text=True)
    attempt_id = int(re.search(r"/attempts/(\d+)", started.headers["Location"]).group(1))  # type: ignore[union-attr]
    with app.app_context():
        items = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)).all()
        answers = {item.id: item.correct_option_ids for item in items}
    for item_id, options in answers.items():
        assert client.post(f"/attempts/{attempt_id}/answers",
                           json={"question": item_id, "options": options}).status_code == 200
    assert client.post(f"/attempts/{attempt_id}/submit").status_code == 302
    return client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
