"""Item analysis pages: the admin bank page and CSV, the DSL's "What our staff get wrong most", held to one school."""
from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import Attempt, Course, User

from ..conftest import sign_in
from .analysis_helpers import analysis_course, hand_worked, sit


@pytest.fixture()
def analysed(app: Flask, people: dict) -> dict:
    """The hand-worked four sittings by School A's people, and one all-wrong sitting in School B."""
    with app.app_context():
        s = db.session
        course = analysis_course(s)
        hand_worked(s, course, [s.get(User, people[k]) for k in ("staff", "other_staff", "dsl", "admin")])
        sit(s, s.get(User, people["far_staff"]), course,
            {"q-000": ["Also wrong 0"], "q-001": ["Wrong C1"], "q-002": ["False"]})
        s.commit()
        return {"course": course.id, "bank": course.banks[0].bank.slug,
                "school_a": s.get(User, people["dsl"]).school_id,
                "school_b": s.get(User, people["far_staff"]).school_id}


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_admin_bank_page_and_csv_show_the_worked_figures(client: FlaskClient, people: dict, analysed: dict) -> None:
    sign_in(client, people["admin_email"])
    page = client.get(f"/admin/banks/{analysed['bank']}?school={analysed['school_a']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Item analysis for School A" in html and "57.7" in html and "-30.2" in html
    assert "Negative discrimination" in html and "Wrong 0" in html
    rows = {r["Question id"]: r for r in _csv(client.get(
        f"/admin/banks/{analysed['bank']}/analysis.csv?school={analysed['school_a']}"))}
    assert (rows["q-000"]["Attempts"], rows["q-000"]["Facility (% right)"]) == ("4", "50.0")
    assert rows["q-000"]["Discrimination index"] == "57.7" and rows["q-001"]["Discrimination index"] == "-30.2"
    assert rows["q-000"]["Most chosen wrong option"] == "Wrong 0" and rows["q-000"]["Chosen by"] == "2"
    assert rows["q-000"]["Confidently wrong"] == "1" and rows["q-001"]["Flags"] == "Negative discrimination"
    everyone = {r["Question id"]: r for r in _csv(client.get(f"/admin/banks/{analysed['bank']}/analysis.csv"))}
    assert everyone["q-000"]["Attempts"] == "5" and everyone["q-000"]["Facility (% right)"] == "40.0"


def test_bad_period_is_named_and_exports_nothing(client: FlaskClient, people: dict, analysed: dict) -> None:
    sign_in(client, people["admin_email"])
    page = client.get(f"/admin/banks/{analysed['bank']}?start=2026-12-01&end=2026-11-01")
    assert "To: Enter a date on or after the From date." in page.get_data(as_text=True)
    assert client.get(f"/admin/banks/{analysed['bank']}/analysis.csv?start=nonsense").status_code == 302


def test_dsl_sees_own_school_with_explanations(client: FlaskClient, people: dict, analysed: dict) -> None:
    sign_in(client, people["dsl_email"])
    html = client.get("/dsl/item-analysis").get_data(as_text=True)
    assert "What our staff get wrong most" in html and "School A" in html
    assert "Secret explanation" in html and "Wrong 0" in html
    assert "Also wrong 0" not in html  # chosen only in School B
    rows = _csv(client.get("/dsl/item-analysis.csv"))
    assert {r["Attempts"] for r in rows} == {"4"}
    assert [r["Question id"] for r in rows] == ["q-000", "q-001", "q-002"]  # hardest first: 50 %, 50 %, 75 %


def test_dsl_cannot_see_another_school(client: FlaskClient, people: dict, analysed: dict) -> None:
    sign_in(client, people["other_dsl_email"])  # School B: one sitting, all wrong
    rows = _csv(client.get("/dsl/item-analysis.csv"))
    assert {r["Attempts"] for r in rows} == {"1"} and {r["Facility (% right)"] for r in rows} == {"0.0"}
    assert client.get(f"/dsl/item-analysis?school={analysed['school_a']}").status_code == 404
    assert client.get(f"/dsl/item-analysis.csv?school={analysed['school_a']}").status_code == 404
    assert client.get(f"/dsl/item-analysis?school={analysed['school_b']}").status_code == 200


def test_dsl_without_a_school_sees_no_figures(app: Flask, client: FlaskClient, people: dict, analysed: dict) -> None:
    with app.app_context():
        db.session.get(User, people["dsl"]).school_id = None
        db.session.commit()
    sign_in(client, people["dsl_email"])
    assert _csv(client.get("/dsl/item-analysis.csv")) == []
    assert "No questions answered wrong" in client.get("/dsl/item-analysis").get_data(as_text=True)


def test_dsl_page_queries_do_not_grow_with_attempts(app: Flask, client: FlaskClient, people: dict, analysed: dict,
                                                    queries) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, people["dsl_email"])
    client.get("/dsl/item-analysis")
    with queries() as few:
        assert client.get("/dsl/item-analysis").status_code == 200
    with app.app_context():
        course = db.session.get(Course, analysed["course"])
        for _ in range(5):
            sit(db.session, db.session.get(User, people["staff"]), course, {"q-002": ["False"]})
        db.session.commit()
    with queries() as more:
        assert client.get("/dsl/item-analysis").status_code == 200
    assert len(few) == len(more)


def test_how_sure_is_saved_with_the_answer_in_one_update_and_shown_in_the_review(
        app: Flask, client: FlaskClient, people: dict, queries) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        course_id = analysis_course(db.session).id
        db.session.commit()
    sign_in(client, people["staff_email"])
    started = client.post(f"/courses/{course_id}/start")
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[-1])
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert page.count("How sure are you of this answer?") == 3
    with app.app_context():
        items = {i.question.qid: i for i in db.session.get(Attempt, attempt_id).questions}
        wrong = next(o["id"] for o in items["q-000"].options if o["text"] == "Wrong 0")
        single_id, tf = items["q-000"].id, items["q-002"]
        true_id = next(o["id"] for o in tf.options if o["text"] == "True")
    with queries() as seen:
        saved = client.post(f"/attempts/{attempt_id}/answers", json={"question": single_id, "options": [wrong],
                                                                     "sure": True})
    assert saved.status_code == 200
    assert len([s for s in seen if s.lstrip().upper().startswith("UPDATE")]) == 1
    assert client.post(f"/attempts/{attempt_id}/answers",
                       json={"question": single_id, "options": [wrong], "sure": "yes"}).status_code == 400
    # The no-script submit carries the radios too: "s<id>" next to "q<id>".
    client.post(f"/attempts/{attempt_id}/submit", data={f"q{single_id}": wrong, f"s{single_id}": "sure:yes",
                                                        f"q{tf.id}": true_id, f"s{tf.id}": "sure:no"})
    with app.app_context():
        graded = db.session.get(Attempt, attempt_id).questions
        stored = {i.question.qid: (i.sure, i.chosen_mask, i.correct) for i in graded}
    assert stored["q-000"] == (True, 0b100, False)  # "Wrong 0" sorts after "Also wrong 0" and "Right 0"
    assert stored["q-002"] == (False, 0b10, True)
    review = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Confidently wrong" in review and "How sure you were" in review


def test_course_form_saves_the_how_sure_setting(app: Flask, client: FlaskClient, people: dict) -> None:
    with app.app_context():
        course = analysis_course(db.session, ask=False)
        course_id, bank_id = course.id, course.banks[0].bank_id
        db.session.commit()
    sign_in(client, people["admin_email"])
    form = client.get(f"/admin/courses/{course_id}/edit").get_data(as_text=True)
    assert "Ask how sure people are after each answer" in form
    response = client.post(f"/admin/courses/{course_id}/edit", data={
        "title": "Annual safeguarding", "summary": "", "time_limit_minutes": 10, "pass_mark_pct": 80,
        "max_attempts_per_day": 50, "cooldown_minutes": 0, "validity_months": 12, "active": "y",
        "ask_confidence": "y", f"bank-{bank_id}": 3})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Course, course_id).ask_confidence is True
