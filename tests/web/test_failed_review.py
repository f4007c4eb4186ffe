"""What a failed attempt's review shows, as the course chooses; a pass or a reviewer always sees everything."""
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, Course, Question

from ..clock import Clock
from ..conftest import sign_in
from .quiz_helpers import answer_all, start_attempt


def _fail_and_review(app: Flask, client: FlaskClient, email: str, course_id: int, choice: str | None) -> str:
    if choice is not None:
        with app.app_context():
            db.session.get(Course, course_id).failed_review = choice
            db.session.commit()
    sign_in(client, email)
    attempt_id = start_attempt(client, course_id)
    answer_all(client, app, attempt_id, right=False)
    client.post(f"/attempts/{attempt_id}/submit")
    return client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)


def _right_options(app: Flask) -> set[str]:
    with app.app_context():
        return {o["text"] for q in db.session.scalars(select(Question)) for o in q.options if o["correct"]}


def test_failed_review_by_default_explains_without_the_right_answers(app: Flask, client: FlaskClient, people: dict,
                                                                     course_id: int, clock: Clock) -> None:
    html = _fail_and_review(app, client, people["staff_email"], course_id, None)
    assert "Secret explanation" in html and "Right answer" not in html
    assert "The right answers are shown once you pass." in html
    assert not any(text in html for text in _right_options(app))


def test_failed_review_can_show_marks_only(app: Flask, client: FlaskClient, people: dict, course_id: int,
                                          clock: Clock) -> None:
    html = _fail_and_review(app, client, people["staff_email"], course_id, "marks")
    assert "Wrong" in html and "Secret explanation" not in html and "Right answer" not in html


def test_failed_review_can_show_the_right_answers(app: Flask, client: FlaskClient, people: dict, course_id: int,
                                                 clock: Clock) -> None:
    html = _fail_and_review(app, client, people["staff_email"], course_id, "answers")
    assert "Secret explanation" in html and "Right answer" in html
    assert all(text in html for text in _right_options(app))


def test_a_dsl_reviewing_a_failed_attempt_sees_the_right_answers(app: Flask, client: FlaskClient, people: dict,
                                                                course_id: int, clock: Clock) -> None:
    _fail_and_review(app, client, people["staff_email"], course_id, None)
    with app.app_context():
        attempt_id = db.session.scalar(select(Attempt.id))
    client.post("/sign-out")
    sign_in(client, people["dsl_email"])
    assert "Right answer" in client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)



def test_course_form_saves_what_a_failed_review_shows(app: Flask, client: FlaskClient, people: dict,
                                                      course_id: int) -> None:
    with app.app_context():
        course = db.session.get(Course, course_id)
        values = {name: getattr(course, name) for name in ("title", "time_limit_minutes", "pass_mark_pct",
                  "max_attempts_per_day", "cooldown_minutes", "validity_months")}
        values.update({f"bank-{link.bank_id}": link.question_count for link in course.banks})
    sign_in(client, people["admin_email"])
    page = client.get(f"/admin/courses/{course_id}/edit").get_data(as_text=True)
    assert "After a failed attempt, the review shows" in page
    assert client.post(f"/admin/courses/{course_id}/edit",
                       data={**values, "active": "y", "failed_review": "answers"}).status_code == 302
    refused = client.post(f"/admin/courses/{course_id}/edit", data={**values, "failed_review": "everything"})
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Course, course_id).failed_review == "answers"
