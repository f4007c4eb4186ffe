"""The timed quiz over HTTP, with an injected clock."""
import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Certificate

from ..clock import Clock
from ..conftest import sign_in
from ..factories import make_user
from .quiz_helpers import answer_all, attempt_items, start_attempt


def _save(client: FlaskClient, attempt_id: int, item_id: int, options: list[str]):
    return client.post(f"/attempts/{attempt_id}/answers", json={"question": item_id, "options": options})


def test_course_page_shows_time_with_extra_time(app: Flask, client: FlaskClient, course_id: int, clock: Clock) -> None:
    with app.app_context():
        person = make_user(db.session, "staff", extra_time_pct=25)
        email = person.email
        db.session.commit()
    sign_in(client, email)
    html = client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "12 minutes 30 seconds, including your 25 % extra time" in html
    assert "Start quiz" in html
    assert "Read this <strong>carefully</strong>" in html
    attempt_id = start_attempt(client, course_id)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.deadline_at - attempt.started_at == timedelta(minutes=12, seconds=30)


def test_quiz_page_carries_no_answer_data(app: Flask, client: FlaskClient, people: dict, course_id: int,
                                          clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert 'role="timer"' in html and "Time remaining" in html
    assert "Secret explanation" not in html and "correct" not in html.lower().replace("incorrect", "")
    for item in attempt_items(app, attempt_id):
        assert f"<legend>{item.prompt}</legend>" in html
        for option in item.options:
            assert f'value="{option["id"]}"' in html


def test_saved_answers_survive_a_reload_with_the_same_deadline(app: Flask, client: FlaskClient, people: dict,
                                                               course_id: int, clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    item = attempt_items(app, attempt_id)[0]
    chosen = item.options[1]["id"]
    assert _save(client, attempt_id, item.id, [chosen]).get_json()["saved"] is True
    clock.advance(minutes=4)
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert re.search(rf'id="o-{re.escape(chosen)}" value="{re.escape(chosen)}"\s+checked', html)
    assert 'data-seconds-left="360"' in html
    # A second device (a new client) resumes the same attempt.
    other = app.test_client()
    sign_in(other, people["staff_email"])
    assert start_attempt(other, course_id) == attempt_id


def test_one_attempt_in_progress_per_course(app: Flask, client: FlaskClient, people: dict, course_id: int,
                                            clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    assert start_attempt(client, course_id) == start_attempt(client, course_id)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_late_save_is_refused_after_grace_and_the_attempt_is_finalised(
        app: Flask, client: FlaskClient, people: dict, course_id: int, clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    items = attempt_items(app, attempt_id)
    assert _save(client, attempt_id, items[0].id, items[0].correct_option_ids).status_code == 200
    clock.advance(minutes=10, seconds=15)  # inside the grace period
    assert _save(client, attempt_id, items[1].id, items[1].correct_option_ids).status_code == 200
    clock.advance(seconds=10)  # past deadline + grace
    late = _save(client, attempt_id, items[2].id, items[2].correct_option_ids)
    assert late.status_code == 409
    body = late.get_json()
    assert body["saved"] is False and "Time is up" in body["message"] and body["finished"] is True
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.state == "finished" and attempt.finish_reason == "time_expired"
        assert attempt.correct_count == 2


def test_expired_attempt_is_finalised_when_looked_at(app: Flask, client: FlaskClient, people: dict,
                                                     course_id: int, clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    answer_all(client, app, attempt_id)
    clock.advance(minutes=11)
    response = client.get(f"/attempts/{attempt_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/attempts/{attempt_id}/result")
    html = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "You passed" in html and "Time ran out" in html and "Download certificate" in html


def test_close_expired_command_sweeps_and_is_idempotent(app: Flask, client: FlaskClient, people: dict,
                                                        course_id: int, clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    clock.advance(minutes=30)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["attempts", "close-expired"])
    assert first.exit_code == 0 and "Closed 1 expired attempt" in first.output
    second = runner.invoke(args=["attempts", "close-expired"])
    assert "Closed 0 expired attempts" in second.output
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.state == "finished" and attempt.score_pct == 0 and attempt.passed is False


def test_double_submit_gives_one_result_and_one_certificate(app: Flask, client: FlaskClient, people: dict,
                                                            course_id: int, clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    answer_all(client, app, attempt_id)
    clock.advance(minutes=2)
    for _ in range(2):
        assert client.post(f"/attempts/{attempt_id}/submit").status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.score_pct == 100 and attempt.passed is True and attempt.finish_reason == "submitted"
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
    html = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Secret explanation" in html and "Test source" in html and "Right answer" in html


def test_submit_without_javascript_saves_the_form(app: Flask, client: FlaskClient, people: dict,
                                                  course_id: int, clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    form = {f"q{item.id}": item.correct_option_ids for item in attempt_items(app, attempt_id)}
    client.post(f"/attempts/{attempt_id}/submit", data=form)
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).score_pct == 100


def test_failed_attempt_starts_a_cooldown(app: Flask, client: FlaskClient, people: dict, course_id: int,
                                          clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    answer_all(client, app, attempt_id, right=False)
    client.post(f"/attempts/{attempt_id}/submit")
    clock.advance(minutes=5)
    html = client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "30-minute pause" in html and "Start quiz" not in html
    refused = client.post(f"/courses/{course_id}/start", follow_redirects=True)
    assert "30-minute pause" in refused.get_data(as_text=True)


def test_someone_elses_attempt_is_not_found(app: Flask, client: FlaskClient, people: dict, course_id: int,
                                            clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    item = attempt_items(app, attempt_id)[0]
    client.post("/sign-out")
    sign_in(client, people["other_staff_email"])
    assert client.get(f"/attempts/{attempt_id}").status_code == 404
    assert _save(client, attempt_id, item.id, item.correct_option_ids).status_code == 404
    assert client.post(f"/attempts/{attempt_id}/submit").status_code == 404
    assert client.get(f"/attempts/{attempt_id}/result").status_code == 404


def test_option_from_another_question_is_refused(app: Flask, client: FlaskClient, people: dict, course_id: int,
                                                 clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    first, second = attempt_items(app, attempt_id)[:2]
    response = _save(client, attempt_id, first.id, [second.options[0]["id"]])
    assert response.status_code == 400
    assert "not one of this question's options" in response.get_json()["message"]


def test_my_results_and_certificates_list_the_pass(app: Flask, client: FlaskClient, people: dict, course_id: int,
                                                   clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    answer_all(client, app, attempt_id)
    clock.advance(minutes=3, seconds=20)
    client.post(f"/attempts/{attempt_id}/submit")
    results = client.get("/results").get_data(as_text=True)
    assert "3 minutes 20 seconds" in results and "100 %" in results
    certs = client.get("/my-certificates").get_data(as_text=True)
    assert "Download certificate" in certs and "23 November 2027" in certs
    training = client.get("/training").get_data(as_text=True)
    assert "Valid until 23 November 2027" in training
    link = re.search(r'href="(/certificates/\d+/download)"', certs).group(1)
    pdf = client.get(link)
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get(link).data == pdf.data


def test_source_links_only_ever_point_at_web_addresses() -> None:
    from quizapp.web.context import web_link

    assert web_link("https://www.gov.uk/x") == "https://www.gov.uk/x"
    assert web_link("javascript:alert(1)") is None
    assert web_link(" data:text/html,x") is None
    assert web_link(None) is None


def test_a_refused_answer_leaves_the_saved_one_in_place(app: Flask, client: FlaskClient, people: dict,
                                                        course_id: int, clock: Clock) -> None:
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    first, second = attempt_items(app, attempt_id)[:2]
    assert _save(client, attempt_id, first.id, [first.options[0]["id"]]).status_code == 200
    assert _save(client, attempt_id, first.id, [second.options[0]["id"]]).status_code == 400
    with app.app_context():
        assert db.session.get(AttemptQuestion, first.id).answer == [first.options[0]["id"]]

