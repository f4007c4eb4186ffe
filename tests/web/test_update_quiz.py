"""Update required after a material bank edition, and the short update quiz that restores Compliant."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.compliance.status import Status
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion, Certificate, Course, Question, User
from quizapp.notify.reminders import plan_reminders
from quizapp.training.ledger import cpd_ledger

from ..clock import Clock
from ..conftest import sign_in
from ..factories import certify, make_course, make_user
from ..update_helpers import new_edition
from .dsl_helpers import T0, backdate_people, counted_statements, require
from .quiz_helpers import answer_all

DAY = timedelta(days=1)
NOTE = "Question 1 now reflects KCSIE 2026; a new question on reporting."


def _setup(app: Flask, people: dict, material: bool) -> dict:
    """Sam passed before the edition (five days ago), Tia after it, Fay never."""
    with app.app_context():
        s = db.session
        course = make_course(s, questions=6, draw_count=4, title="Annual safeguarding", time_limit=10)
        require(s, course, "Teaching staff")
        names = {"staff": "Sam", "other_staff": "Tia", "far_staff": "Fay"}
        users = {key: s.get(User, people[key]) for key in names}
        for key, name in names.items():
            users[key].first_name = name
        cert = certify(s, users["staff"], course, T0 - 20 * DAY)
        edition = new_edition(s, course, T0 - 5 * DAY, material=material)
        certify(s, users["other_staff"], course, T0 - 2 * DAY)
        backdate_people(s)
        s.commit()
        return {**people, "course": course.id, "edition": edition.id, "cert": cert.id,
                "cert_dates": (cert.issued_at, cert.valid_until)}


@pytest.fixture()
def material(app: Flask, people: dict, clock: Clock) -> dict:
    """A material edition: update required by 18 December 2026 (23 November - 5 days + 30)."""
    return _setup(app, people, material=True)


def _export(client: FlaskClient, query: str = "") -> dict[str, str]:
    response = client.get(f"/dsl/export.csv{query}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    column = rows[0].index("Annual safeguarding: status")
    return {row[1]: row[column] for row in rows[1:] if row[1] in ("Sam", "Tia", "Fay")}


def test_material_edition_marks_only_those_who_passed_before_it(app: Flask, client: FlaskClient,
                                                                material: dict) -> None:
    sign_in(client, material["admin_email"])
    assert _export(client) == {"Sam": "Update required by 18 December 2026", "Tia": "Compliant",
                               "Fay": "Not started"}
    assert set(_export(client, "?status=update_required")) == {"Sam"}
    assert {"Sam", "Tia"} <= set(_export(client, "?status=covered"))  # covered until the deadline
    person = client.get(f"/dsl/people/{material['staff']}").get_data(as_text=True)
    assert "Update required" in person and "by 18 December 2026" in person
    with app.app_context():
        plan = plan_reminders(db.session, T0, 30)
        owed = {p.first_name: [c for c in p.courses if c.course_id == material["course"]] for p in plan.due}
        assert [c.status for c in owed["Sam"]] == [Status.UPDATE_REQUIRED]
        assert owed["Sam"][0].describe().startswith("update required by 18 December 2026")
        assert owed.get("Tia", []) == []
    sam = app.test_client()
    sign_in(sam, material["staff_email"])
    mine = sam.get("/training").get_data(as_text=True)
    assert "Update required" in mine and "Start update quiz" in mine and NOTE in mine
    tia = app.test_client()
    sign_in(tia, material["other_staff_email"])
    assert "Start update quiz" not in tia.get("/training").get_data(as_text=True)


def test_non_material_edition_marks_nobody(app: Flask, client: FlaskClient, people: dict, clock: Clock) -> None:
    world = _setup(app, people, material=False)
    sign_in(client, world["admin_email"])
    assert _export(client) == {"Sam": "Compliant", "Tia": "Compliant", "Fay": "Not started"}
    sam = app.test_client()
    sign_in(sam, world["staff_email"])
    assert "Start update quiz" not in sam.get("/training").get_data(as_text=True)
    assert sam.post(f"/courses/{world['course']}/update/start").status_code == 302
    assert "There is no update quiz to take" in sam.get(f"/courses/{world['course']}").get_data(as_text=True)


def _start_update(client: FlaskClient, course_id: int) -> int:
    response = client.post(f"/courses/{course_id}/update/start")
    assert response.status_code == 302
    found = re.search(r"/attempts/(\d+)$", response.headers["Location"])
    assert found is not None, response.headers["Location"]
    return int(found.group(1))


def test_update_quiz_draws_only_what_changed_and_passing_restores_compliant(
        app: Flask, client: FlaskClient, material: dict) -> None:
    sign_in(client, material["staff_email"])
    page = client.get(f"/courses/{material['course']}").get_data(as_text=True)
    assert "Update required by 18 December 2026" in page and NOTE in page and "Start update quiz" in page
    attempt_id = _start_update(client, material["course"])
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None and attempt.purpose == "update" and attempt.edition_id == material["edition"]
        assert attempt.time_limit_seconds == 5 * 60  # the course's 10 minutes for 4 questions, for 2
        drawn = db.session.execute(select(Question.qid, Question.superseded_at).join(
            AttemptQuestion, AttemptQuestion.question_id == Question.id)
            .where(AttemptQuestion.attempt_id == attempt_id)).all()
        assert sorted(qid for qid, _ in drawn) == ["q-001", "q-new"]
        assert all(superseded is None for _, superseded in drawn)  # the new versions
    assert "update quiz" in client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    answer_all(client, app, attempt_id, right=True)
    result = client.post(f"/attempts/{attempt_id}/submit")
    page = client.get(result.headers["Location"]).get_data(as_text=True)
    assert "You passed" in page and "Your training is up to date" in page and "Download certificate" not in page
    with app.app_context():
        certs = db.session.scalars(select(Certificate).where(Certificate.user_id == material["staff"])).all()
        assert [c.id for c in certs] == [material["cert"]]
        assert (certs[0].issued_at, certs[0].valid_until) == material["cert_dates"]
        code = certs[0].code
    verify = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Annual safeguarding" in verify and "Valid" in verify
    mine = client.get("/training").get_data(as_text=True)
    assert "Start update quiz" not in mine and "Passed" in mine
    admin = app.test_client()
    sign_in(admin, material["admin_email"])
    assert _export(admin)["Sam"] == "Compliant"
    person = admin.get(f"/dsl/people/{material['staff']}").get_data(as_text=True)
    assert "Finished the Annual safeguarding update quiz: 100 %, passed" in person
    with app.app_context():
        lines = [line.title for line in cpd_ledger(db.session, material["staff"]).lines]
    assert "Annual safeguarding: update quiz after a new edition" in lines  # learning time, said for what it is


def test_failing_the_update_quiz_allows_a_retry_by_the_course_rules(
        app: Flask, client: FlaskClient, material: dict, clock: Clock) -> None:
    sign_in(client, material["staff_email"])
    attempt_id = _start_update(client, material["course"])
    answer_all(client, app, attempt_id, right=False)
    client.post(f"/attempts/{attempt_id}/submit")
    assert "You did not pass" in client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Update required" in client.get("/training").get_data(as_text=True)
    refused = client.post(f"/courses/{material['course']}/update/start")
    assert refused.headers["Location"].endswith(f"/courses/{material['course']}")
    assert "pause to reread the module" in client.get(f"/courses/{material['course']}").get_data(as_text=True)
    clock.advance(minutes=31)
    assert _start_update(client, material["course"]) != attempt_id


def test_after_the_deadline_the_update_is_overdue_and_not_covered(
        app: Flask, client: FlaskClient, material: dict, clock: Clock) -> None:
    clock.advance(days=26)  # 19 December 2026
    sign_in(client, material["admin_email"])
    assert _export(client)["Sam"] == "Update overdue since 19 December 2026"
    assert "Sam" in _export(client, "?status=not_covered") and "Sam" not in _export(client, "?status=covered")
    sam = app.test_client()
    sign_in(sam, material["staff_email"])
    mine = sam.get("/training").get_data(as_text=True)
    assert "Update overdue" in mine and "Start update quiz" in mine


def test_statement_counts_do_not_grow_with_editions_and_owed_updates(app: Flask, material: dict) -> None:
    pages = [("admin_email", "/dsl/"), ("admin_email", "/dsl/?status=update_required"),
             ("admin_email", "/dsl/export.csv"), ("dsl_email", f"/dsl/people/{material['staff']}"),
             ("staff_email", "/training"), ("staff_email", f"/courses/{material['course']}")]

    def counts() -> list[int]:
        found = []
        for who, url in pages:
            client = app.test_client()
            sign_in(client, material[who])
            assert client.get(url).status_code == 200
            with counted_statements(app) as statements:
                assert client.get(url).status_code == 200
            found.append(len(statements))
        return found

    before = counts()
    with app.app_context():
        s = db.session
        course = s.get(Course, material["course"])
        assert course is not None
        for i in range(12):
            certify(s, make_user(s, "staff", first_name=f"Extra{i:02d}"), course, T0 - 4 * DAY)
        new_edition(s, course, T0 - 3 * DAY, changed=("q-002",), added=("q-new2",))
        backdate_people(s)
        s.commit()
        assert (s.scalar(select(func.count()).select_from(Certificate)) or 0) > 12
    assert counts() == before


def test_a_lapsed_certificate_needs_the_full_quiz_not_an_update(
        app: Flask, client: FlaskClient, material: dict, clock: Clock) -> None:
    clock.advance(days=400)  # the certificate has run out; the update deadline long passed
    sign_in(client, material["staff_email"])
    mine = client.get("/training").get_data(as_text=True)
    assert "Expired" in mine and "Start update quiz" not in mine
    client.post(f"/courses/{material['course']}/update/start")
    assert "There is no update quiz to take" in client.get(f"/courses/{material['course']}").get_data(as_text=True)
