"""Organisation settings: validation (nothing saved unless all of it is valid), the logo, audit, and use."""
from __future__ import annotations

import io
import os
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from quizapp.certificates.issue import pdf_bytes
from quizapp.extensions import db
from quizapp.models import AuditEvent, OrgSettings, User

from ..clock import Clock
from ..conftest import sign_in
from ..factories import make_course
from .certificate_helpers import certify

VALID = {"org_name": "Riverside Primary School", "signatory_name": "Gwenllïan Ŵyn",
         "signatory_role": "Designated Safeguarding Lead", "certificate_prefix": "RPS", "due_soon_days": "45",
         "update_days": "30", "session_idle_minutes": "120", "session_max_hours": "12",
         "data_protection_contact": "", "retention_years": "6", "keep_verifiable": "y"}


def image(fmt: str = "PNG", size: tuple[int, int] = (300, 100), noise: bool = False) -> bytes:
    """A real image file of the given format."""
    picture = (Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)) if noise
               else Image.new("RGB", size, (29, 53, 87)))
    out = io.BytesIO()
    picture.save(out, fmt)
    return out.getvalue()


@pytest.fixture()
def admin(client: FlaskClient, people: dict) -> FlaskClient:
    """The client, signed in as the admin."""
    sign_in(client, people["admin_email"])
    return client


def _post(client: FlaskClient, logo: bytes | None = None, logo_name: str = "logo.png", **changes: str):
    form: dict = {**VALID, **changes}
    if logo is not None:
        form["logo"] = (io.BytesIO(logo), logo_name)
    return client.post("/admin/settings", data=form, content_type="multipart/form-data")


def _stored(app: Flask) -> OrgSettings:
    with app.app_context():
        row = db.session.get(OrgSettings, 1)
        db.session.expunge(row)
        return row


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_only_admins_reach_settings(client: FlaskClient, people: dict) -> None:
    for who in ("staff_email", "dsl_email"):
        sign_in(client, people[who])
        assert client.get("/admin/settings").status_code == 403
        assert client.post("/admin/settings", data=VALID).status_code == 403
        client.post("/sign-out")


def test_valid_changes_are_saved_audited_and_printed_on_new_certificates(app: Flask, admin: FlaskClient,
                                                                         people: dict) -> None:
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert '<label for="org_name">Organisation name</label>' in page and 'value="QZ"' in page
    response = _post(admin, certificate_prefix=" rps2 ", logo=image("PNG"))
    assert response.status_code == 302
    stored = _stored(app)
    assert (stored.org_name, stored.signatory_name, stored.certificate_prefix, stored.due_soon_days) == (
        "Riverside Primary School", "Gwenllïan Ŵyn", "RPS2", 45)
    assert stored.logo == image("PNG") and stored.logo_mime == "image/png"
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert "Settings saved." in page and 'src="data:image/png;base64,' in page and 'alt="Current logo"' in page
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "settings.update"))
        assert event.actor_id == people["admin"]
        assert event.details["certificate_prefix"] == ["QZ", "RPS2"] and event.details["due_soon_days"][1] == 45
        assert event.details["logo"].startswith("replaced")
        cert = certify(db.session, db.session.get(User, people["staff"]), make_course(db.session), Clock().now)
        assert cert.number.startswith("RPS2-2026-")
        pdf = pdf_bytes(db.session, cert)
        assert b"/Subtype /Image" in pdf
        text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
        assert "Riverside Primary School" in text and "Gwenllïan Ŵyn" in text


@pytest.mark.parametrize(("logo", "name", "message"), [
    (b"this is not an image at all", "logo.png", "The file is not a PNG or JPEG image that can be read."),
    (image("GIF"), "logo.gif", "The file is not a PNG or JPEG image that can be read."),
    (image("PNG")[:-40], "logo.png", "The file is not a PNG or JPEG image that can be read."),
    (image("PNG", (700, 600), noise=True), "big.png", "The file is larger than 1 MB."),
    (image("PNG", (4100, 20)), "wide.png", "The image is 4100 × 20 pixels"),
])
def test_bad_logo_is_refused_and_nothing_changes(app: Flask, admin: FlaskClient, logo: bytes, name: str,
                                                 message: str) -> None:
    before = _stored(app) if _post(admin, org_name="Before").status_code == 302 else None
    assert before is not None and before.logo is None
    response = _post(admin, logo=logo, logo_name=name, org_name="After", certificate_prefix="NEW")
    text = _text(response.get_data(as_text=True))
    assert response.status_code == 200 and f"Logo: {message}" in text
    after = _stored(app)
    assert (after.org_name, after.certificate_prefix, after.logo) == ("Before", "RPS", None)
    with app.app_context():
        changes = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "settings.update")).all()
        assert len(changes) == 1  # only the first, valid save


def test_a_jpeg_logo_is_accepted_and_can_be_removed(app: Flask, admin: FlaskClient) -> None:
    assert _post(admin, logo=image("JPEG"), logo_name="logo.jpg").status_code == 302
    assert _stored(app).logo_mime == "image/jpeg"
    both = _post(admin, logo=image("PNG"), remove_logo="y")
    assert "Choose a new logo or tick “Remove the current logo”, not both." in both.get_data(as_text=True)
    assert _stored(app).logo_mime == "image/jpeg"
    assert "Remove the current logo" in admin.get("/admin/settings").get_data(as_text=True)
    assert _post(admin, remove_logo="y").status_code == 302
    stored = _stored(app)
    assert stored.logo is None and stored.logo_mime is None
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == "settings.update")
                                  .order_by(AuditEvent.id)).all()[-1] == {"logo": "removed"}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("certificate_prefix", "Q", "Certificate number prefix: Use 2 to 12 letters A to Z or digits"),
    ("certificate_prefix", "ABCDEFGHIJKLM", "Certificate number prefix: Use 2 to 12 letters A to Z or digits"),
    ("certificate_prefix", "QZ-1", "Certificate number prefix: Use 2 to 12 letters A to Z or digits"),
    ("due_soon_days", "0", "“Due soon” window (days): Enter a whole number of days from 1 to 365."),
    ("due_soon_days", "366", "“Due soon” window (days): Enter a whole number of days from 1 to 365."),
    ("update_days", "0", "Days to take an update quiz after a material change: Enter a whole number of days"),
    ("due_soon_days", "soon", "“Due soon” window (days):"),
    ("session_idle_minutes", "4", "Sign out after this many minutes unused: Enter a whole number of minutes from 5"),
    ("session_idle_minutes", "", "Sign out after this many minutes unused: Enter a whole number of minutes"),
    ("session_idle_minutes", "780", "Sign out after this many minutes unused: Make this no longer than the hours"),
    ("session_max_hours", "169", "Sign out after this many hours in any case: Enter a whole number of hours from 1"),
    ("data_protection_contact", "x" * 301, "Data protection contact: Keep the data protection contact to 300"),
    ("org_name", "  ", "Organisation name: Enter the organisation name."),
    ("signatory_name", "", "Signatory name: Enter the name of the person who signs certificates."),
])
def test_invalid_fields_are_named_and_nothing_is_saved(app: Flask, admin: FlaskClient, field: str, value: str,
                                                       message: str) -> None:
    assert admin.get("/admin/settings").status_code == 200  # creates the row with its defaults
    before = _stored(app)
    response = _post(admin, logo=image("PNG"), **{field: value})
    assert response.status_code == 200 and message in _text(response.get_data(as_text=True))
    after = _stored(app)
    assert after.logo is None and after.certificate_prefix == "QZ"
    assert [getattr(after, name) for name in VALID] == [getattr(before, name) for name in VALID]


def test_session_limits_and_the_privacy_contact_are_saved_and_audited(app: Flask, admin: FlaskClient) -> None:
    contact = "Data Protection Officer, dpo@riverside.sch.uk"
    assert _post(admin, session_idle_minutes="30", session_max_hours="9",
                 data_protection_contact=f"  {contact} ").status_code == 302
    stored = _stored(app)
    assert (stored.session_idle_minutes, stored.session_max_hours, stored.data_protection_contact) == (30, 9, contact)
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "settings.update")).one()
        assert event.details["session_idle_minutes"] == [120, 30] and event.details["session_max_hours"] == [12, 9]


def test_saving_without_changes_records_nothing(app: Flask, admin: FlaskClient) -> None:
    assert _post(admin).status_code == 302
    again = _post(admin, logo=None)
    assert again.status_code == 302
    assert "Nothing has changed." in admin.get("/admin/settings").get_data(as_text=True)
    with app.app_context():
        assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "settings.update")).all()) == 1


def test_first_requests_racing_to_create_the_settings_row_both_get_it(app: Flask) -> None:
    """Two transactions read the missing row at once; one inserts it, the other waits and reads the same row."""
    import threading

    from sqlalchemy.orm import Session

    engine = app.extensions["quizapp.engine"]
    with Session(engine) as cleanup:
        cleanup.query(OrgSettings).delete()
        cleanup.commit()
    first, second = Session(engine), Session(engine)
    created = OrgSettings.current(first)
    assert second.get(OrgSettings, 1) is None  # not committed yet: the second sees no row either
    found: list[OrgSettings] = []
    waiting = threading.Thread(target=lambda: found.append(OrgSettings.current(second)))
    waiting.start()
    waiting.join(timeout=0.5)  # on PostgreSQL the second insert waits on the first's unique key
    first.commit()
    waiting.join(timeout=10)
    second.commit()
    assert found and found[0].id == created.id == 1
    first.close()
    second.close()
