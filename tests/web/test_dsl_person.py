"""The person page: required courses, every attempt and certificate with their links, and a short history."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import Course, User

from ..conftest import sign_in
from .dsl_helpers import D0, T0, attempt, certificate, table_rows

DAY = timedelta(days=1)


def test_person_page_lists_courses_attempts_certificates_and_history(client: FlaskClient, world: dict,
                                                                     app: Flask) -> None:
    with app.app_context():
        s = db.session
        sam, annual = s.get(User, world["staff"]), s.get(Course, world["annual"])
        failed = attempt(s, sam, annual, T0 - 30 * DAY, finished=T0 - 30 * DAY + timedelta(minutes=9), passed=False)
        old = certificate(s, sam, annual, T0 - 500 * DAY, D0 - 135 * DAY, revoked=T0 - 200 * DAY)
        s.commit()
        failed_id, old_id, old_number = failed.id, old.id, old.number
    sign_in(client, world["dsl_email"])
    response = client.get(f"/dsl/people/{world['staff']}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Sam Tester</h1>" in html
    standings = table_rows(html, "")[:2]
    assert standings == [["Annual safeguarding", "Compliant until 11 June 2027"],
                         ["Prevent duty", "Due soon until 3 December 2026"]]
    assert f'href="/attempts/{failed_id}/result"' in html and "Not passed" in html
    assert f'href="/certificates/{old_id}/download"' in html
    assert "Revoked" in html and html.count("Download certificate") == 3
    assert f"Certificate {old_number} revoked" in html
    assert "Finished the Annual safeguarding quiz: 40 %, did not pass" in html


def test_person_page_as_at_an_earlier_day(client: FlaskClient, world: dict) -> None:
    sign_in(client, world["admin_email"])
    html = client.get(f"/dsl/people/{world['other_staff']}?as_at=2026-11-10").get_data(as_text=True)
    assert "As at the end of 10 November 2026" in html
    assert table_rows(html, "")[:2] == [["Annual safeguarding", "Due soon until 18 November 2026"],
                                        ["Prevent duty", "Not started"]]
    future = client.get(f"/dsl/people/{world['other_staff']}?as_at=2030-01-01").get_data(as_text=True)
    assert "As at the end of 23 November 2026" in future


def test_dsl_can_open_result_and_certificate_links_for_their_school(client: FlaskClient, world: dict,
                                                                     app: Flask) -> None:
    with app.app_context():
        s = db.session
        cert_id = certificate(s, s.get(User, world["far_staff"]), s.get(Course, world["annual"]),
                              T0 - DAY, D0 + 300 * DAY).id
        s.commit()
    sign_in(client, world["other_dsl_email"])
    html = client.get(f"/dsl/people/{world['far_staff']}").get_data(as_text=True)
    assert f'href="/certificates/{cert_id}/download"' in html
    client.post("/sign-out")
    sign_in(client, world["dsl_email"])
    assert client.get(f"/dsl/people/{world['far_staff']}").status_code == 404
