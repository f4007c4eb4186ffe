"""Subject access downloads, "Erase now" and the verify page of an anonymised person's certificate."""
from __future__ import annotations

import io
import json
import re
import zipfile

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEvent, OrgSettings, User
from quizapp.people.erasure import anonymise

from ..clock import Clock
from ..conftest import sign_in
from ..privacy_people import build_everything


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _zip(response) -> dict:
    assert response.status_code == 200 and response.mimetype == "application/zip"
    return json.loads(zipfile.ZipFile(io.BytesIO(response.get_data())).read("data.json"))


def test_admin_downloads_a_persons_data_streamed_and_audited(app: Flask, client: FlaskClient, people: dict,
                                                              clock: Clock) -> None:
    with app.app_context():
        everything = build_everything(db.session, clock.now)
    sign_in(client, people["admin_email"])
    page = client.get(f"/admin/users/{everything.person_id}").get_data(as_text=True)
    assert "Download this person’s data" in page and "Erase now" in page
    response = client.get(f"/admin/users/{everything.person_id}/data.zip")
    assert response.is_streamed
    data = _zip(response)
    assert data["sections"]["profile"][0]["first_name"] == "Priya"
    assert f'person-{everything.person_id}-data-' in response.headers["Content-Disposition"]
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.export_data"))
        assert event.actor_id == people["admin"] and event.target == f"user:{everything.person_id}"


def test_only_an_admin_or_the_person_may_download(app: Flask, client: FlaskClient, people: dict) -> None:
    for role in ("staff", "other_staff", "dsl"):
        sign_in(client, people[f"{role}_email"])
        assert client.get(f"/admin/users/{people['staff']}/data.zip").status_code == 403, role
        client.post("/sign-out")
    sign_in(client, people["other_staff_email"])
    mine = _zip(client.get("/account/my-data.zip"))
    assert mine["sections"]["profile"][0]["id"] == people["other_staff"]
    assert "Download my data" in client.get("/account/").get_data(as_text=True)


def test_erase_now_confirms_requires_a_reason_and_audits(app: Flask, client: FlaskClient, people: dict,
                                                        clock: Clock) -> None:
    with app.app_context():
        everything = build_everything(db.session, clock.now)
    sign_in(client, people["admin_email"])
    url = f"/admin/users/{everything.person_id}/erase"
    page = _text(client.get(url).get_data(as_text=True))
    assert "Erasing cannot be undone" in page and "1 certificate PDFs deleted" in page
    assert "2 evidence files deleted" in page and "1 policy acknowledgements deleted" in page
    refused = _text(client.post(url, data={"reason": "  "}).get_data(as_text=True))
    assert "Reason for erasing: Enter the reason for erasing this person’s records." in refused
    with app.app_context():
        assert db.session.get(User, everything.person_id).anonymised_at is None
    done = client.post(url, data={"reason": "Added by mistake"}, follow_redirects=True)
    assert "The person’s records were erased" in done.get_data(as_text=True)
    with app.app_context():
        person = db.session.get(User, everything.person_id)
        assert person.anonymised_at is not None and person.first_name == "Former member"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.erase"))
        assert event.actor_id == people["admin"] and event.details["reason"] == "Added by mistake"
        assert "Priya" not in json.dumps(event.details)
        trail = " ".join(json.dumps(e.details) for e in db.session.scalars(select(AuditEvent)))
        assert "Priya" not in trail and "Natarajan" not in trail
    again = _text(client.get(url).get_data(as_text=True))
    assert "already been erased" in again


def test_erase_refuses_yourself_and_the_last_password_admin(app: Flask, client: FlaskClient, people: dict) -> None:
    sign_in(client, people["admin_email"])
    own = _text(client.get(f"/admin/users/{people['admin']}/erase").get_data(as_text=True))
    assert "You cannot erase your own account" in own
    client.post(f"/admin/users/{people['admin']}/erase", data={"reason": "Testing"})
    with app.app_context():
        assert db.session.get(User, people["admin"]).anonymised_at is None
        # A second admin signs in by a provider only, so the first is the last who keeps a password.
        second = db.session.get(User, people["dsl"])
        second.role = "admin"
        db.session.commit()
    client.post("/sign-out")
    sign_in(client, people["dsl_email"])
    with app.app_context():
        db.session.get(User, people["dsl"]).password_hash = None
        db.session.commit()
    page = _text(client.get(f"/admin/users/{people['admin']}/erase").get_data(as_text=True))
    assert "last active admin who can sign in with a password" in page
    client.post(f"/admin/users/{people['admin']}/erase", data={"reason": "Testing"})
    with app.app_context():
        assert db.session.get(User, people["admin"]).anonymised_at is None


def test_verify_page_of_an_anonymised_persons_certificate_shows_no_name(app: Flask, client: FlaskClient,
                                                                          clock: Clock) -> None:
    with app.app_context():
        everything = build_everything(db.session, clock.now)
        anonymise(db.session, db.session.get(User, everything.person_id), clock.now)
        db.session.commit()
    page = _text(client.get(f"/verify/{everything.certificate_code}").get_data(as_text=True))
    assert "Priya" not in page and "Natarajan" not in page
    assert "Issued to a former member of staff, valid until" in page and "Valid" in page
    with app.app_context():
        OrgSettings.current(db.session).keep_verifiable = False
        db.session.commit()
    page = _text(client.get(f"/verify/{everything.certificate_code}").get_data(as_text=True))
    assert "Not verifiable" in page and "can no longer be verified" in page and "Priya" not in page
    assert "Safeguarding course" not in page


def test_settings_name_the_retention_field(app: Flask, client: FlaskClient, people: dict) -> None:
    sign_in(client, people["admin_email"])
    form = {"org_name": "Test School", "signatory_name": "A Person", "signatory_role": "DSL",
            "certificate_prefix": "QZ", "due_soon_days": "30", "update_days": "30", "session_idle_minutes": "120",
            "session_max_hours": "12", "retention_years": "0"}
    page = _text(client.post("/admin/settings", data=form).get_data(as_text=True))
    assert "Years to keep a leaver’s records: Enter a whole number of years from 1 to 50." in page
    client.post("/admin/settings", data={**form, "retention_years": "8"})
    with app.app_context():
        settings = OrgSettings.current(db.session)
        assert settings.retention_years == 8 and settings.keep_verifiable is False


def test_an_erased_account_cannot_be_reactivated_downloaded_or_reissued(app: Flask, client: FlaskClient,
                                                                          people: dict, clock: Clock) -> None:
    with app.app_context():
        everything = build_everything(db.session, clock.now)
        anonymise(db.session, db.session.get(User, everything.person_id), clock.now)
        db.session.commit()
    sign_in(client, people["admin_email"])
    page = _text(client.post(f"/admin/users/{everything.person_id}/reactivate", follow_redirects=True)
                 .get_data(as_text=True))
    assert "records were erased: the account cannot be changed or used again" in page
    assert "Reactivate" not in page and "Save changes" not in page
    assert client.get(f"/certificates/{everything.certificate_id}/download").status_code == 404
    reissue = _text(client.post(f"/admin/certificates/{everything.certificate_id}/reissue", follow_redirects=True)
                    .get_data(as_text=True))
    assert "cannot be reissued" in reissue
    with app.app_context():
        person = db.session.get(User, everything.person_id)
        assert not person.active and person.anonymised_at is not None
