"""Per-answer feedback from an imported bank rides in the attempt snapshot and shows beside the chosen option."""
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AttemptQuestion, Question

from ..clock import Clock
from ..conftest import sign_in
from ..factories import make_course
from .quiz_helpers import start_attempt


def test_feedback_on_the_chosen_option_shows_in_the_review_only(app: Flask, client: FlaskClient, people: dict,
                                                                 clock: Clock) -> None:
    with app.app_context():
        course = make_course(db.session, questions=1, types=("single",))
        question = db.session.scalar(select(Question).where(Question.bank_id == course.banks[0].bank_id))
        question.options = [{"text": "Tell the DSL", "correct": True, "feedback": "Yes: straight away."},
                            {"text": "Wait and see", "correct": False,
                             "feedback": "No: waiting puts the child at risk."},
                            {"text": "Ask the child to write it down", "correct": False}]
        db.session.commit()
        course_id = course.id
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    quiz = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "waiting puts the child at risk" not in quiz and "straight away" not in quiz
    with app.app_context():
        item = db.session.scalar(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id))
        wrong = next(o["id"] for o in item.options if o["text"] == "Wait and see")
        item_id = item.id
    saved = client.post(f"/attempts/{attempt_id}/answers", json={"question": item_id, "options": [wrong]})
    assert saved.status_code == 200
    assert client.post(f"/attempts/{attempt_id}/submit").status_code == 302
    review = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert 'Wait and see <span class="option-feedback">(No: waiting puts the child at risk.)</span>' in review
    assert "straight away" not in review  # feedback on an option not chosen is not shown
