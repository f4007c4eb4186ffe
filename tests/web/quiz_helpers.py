"""Shared by the quiz tests: starting an attempt and answering it (the course itself is the `course_id` fixture)."""
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AttemptQuestion


def start_attempt(client: FlaskClient, course_id: int) -> int:
    """Start (or resume) the course's quiz as the signed-in client; the attempt's id."""
    response = client.post(f"/courses/{course_id}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/attempts/(\d+)", response.headers["Location"]).group(1))


def attempt_items(app: Flask, attempt_id: int) -> list[AttemptQuestion]:
    """The attempt's questions in the order shown."""
    with app.app_context():
        return db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)
                                  .order_by(AttemptQuestion.position)).all()


def answer_all(client: FlaskClient, app: Flask, attempt_id: int, right: bool = True) -> None:
    """Save every answer, all right or all wrong."""
    for item in attempt_items(app, attempt_id):
        wrong = [o["id"] for o in item.options if o["id"] not in item.correct_option_ids][:1]
        chosen = item.correct_option_ids if right else wrong
        response = client.post(f"/attempts/{attempt_id}/answers", json={"question": item.id, "options": chosen})
        assert response.status_code == 200
