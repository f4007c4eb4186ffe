"""The privacy notice: public, plain English, with the school's name and contact, linked from every footer."""
from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db
from quizapp.models import OrgSettings

from ..conftest import sign_in

FOOTER_LINK = '<a href="/privacy">Privacy</a>'


def _settings(app: Flask, **values: object) -> None:
    with app.app_context():
        settings = OrgSettings.current(db.session)
        for name, value in values.items():
            setattr(settings, name, value)
        db.session.commit()


def test_the_notice_is_public_and_names_the_school_and_its_contact(app: Flask, client: FlaskClient) -> None:
    _settings(app, org_name="Riverside Primary School", data_protection_contact="Ms Okafor, dpo@riverside.sch.uk",
              session_idle_minutes=90, session_max_hours=10)
    response = client.get("/privacy")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and len(re.findall(r"<h1[ >]", page)) == 1
    assert "Riverside Primary School is the data controller" in page
    assert "<strong>Ms Okafor, dpo@riverside.sch.uk</strong>" in page
    for heading in ("What we hold", "Why we hold it", "How long we keep it", "Who can see it",
                    "Your rights and how to ask for a copy"):
        assert f"<h2>{heading}</h2>" in page
    assert "the school keeps them for 6 years, as its retention schedule says" in page
    assert "“issued to a former member of staff” instead of your name" in page
    assert "after 90 minutes without use" in page and "after 10 hours" in page


def test_without_a_contact_it_says_whom_to_ask_and_escapes_what_is_stored(app: Flask, client: FlaskClient) -> None:
    page = client.get("/privacy").get_data(as_text=True)
    assert "contact the school office and ask for the person responsible for data protection" in page
    _settings(app, data_protection_contact="<script>alert(1)</script>")
    page = client.get("/privacy").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_every_page_links_to_it_in_the_footer(client: FlaskClient, people: dict) -> None:
    for path in ("/sign-in", "/verify", "/privacy", "/account/forgotten"):
        assert FOOTER_LINK in client.get(path).get_data(as_text=True), path
    sign_in(client, people["staff_email"])
    for path in ("/training", "/account/", "/my-certificates"):
        assert FOOTER_LINK in client.get(path).get_data(as_text=True), path
