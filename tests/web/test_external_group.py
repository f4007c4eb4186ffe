"""Group sessions: a DSL ticks attendees or uploads a CSV of e-mails; each gets an approved record, all or nothing."""
from __future__ import annotations

import io

from flask import Flask
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEvent, ExternalTraining

from ..conftest import sign_in

URL = "/dsl/training-elsewhere/group"


def _form(**extra) -> dict:
    return {"title": "INSET: online safety", "provider": "Visiting speaker", "completed_on": "2026-11-20",
            "hours": "2", "expires_on": "", "course": ""} | extra


def _records(app: Flask) -> list[tuple[int, str, int | None]]:
    with app.app_context():
        return [(r.user_id, r.state, r.decided_by_id) for r in db.session.scalars(
            select(ExternalTraining).order_by(ExternalTraining.user_id))]


def _csv(text: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO(text.encode("utf-8")), "attendees.csv"


def test_ticked_attendees_each_get_an_approved_record(app, client, people, clock) -> None:
    sign_in(client, people["dsl_email"])
    page = client.get(URL).get_data(as_text=True)
    assert people["staff_email"] in page and people["far_staff_email"] not in page  # own school's staff only
    response = client.post(URL, data=_form(attendee=[str(people["staff"]), str(people["other_staff"])]),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert _records(app) == sorted([(people["staff"], "approved", people["dsl"]),
                                    (people["other_staff"], "approved", people["dsl"])])
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "external.group")).all()


def test_a_csv_of_emails_records_everyone_listed(app, client, people, clock) -> None:
    sign_in(client, people["dsl_email"])
    csv_text = f"email\n{people['staff_email'].upper()}\n\n{people['other_staff_email']}\n"
    response = client.post(URL, data=_form(attendees_csv=_csv(csv_text)), content_type="multipart/form-data")
    assert response.status_code == 302
    assert {user for user, *_ in _records(app)} == {people["staff"], people["other_staff"]}


def test_a_bad_row_names_itself_and_nothing_is_saved(app, client, people, clock) -> None:
    sign_in(client, people["dsl_email"])
    csv_text = f"{people['staff_email']}\nnot-an-email\n{people['far_staff_email']}\n"
    response = client.post(URL, data=_form(attendees_csv=_csv(csv_text), attendee=[str(people["other_staff"])]),
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Row 2: “not-an-email” is not an e-mail address." in html
    assert f"Row 3: nobody on the staff list you can record for has the e-mail {people['far_staff_email']}." in html
    assert _records(app) == []


def test_someone_from_another_school_cannot_be_ticked(app, client, people, clock) -> None:
    sign_in(client, people["dsl_email"])
    response = client.post(URL, data=_form(attendee=[str(people["far_staff"])]), content_type="multipart/form-data")
    assert "choose people from the staff list" in response.get_data(as_text=True)
    response = client.post(URL, data=_form(), content_type="multipart/form-data")
    assert "tick the people who attended" in response.get_data(as_text=True)
    assert _records(app) == []
