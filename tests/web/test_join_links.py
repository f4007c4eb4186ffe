"""Join links: a DSL makes one, a newcomer asks to join by it, the DSL decides; expiry, withdrawal and limits."""
from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import AuditEvent, JoinLink, JoinRequest, User

from ..clock import Clock
from ..conftest import sign_in
from ..smtp import Inbox, use_smtp

PASSWORD = "a long volunteer passphrase"


def _make_link(client: FlaskClient, app: Flask, **form: object) -> str:
    with app.app_context():
        school_id = db.session.scalar(select(User.school_id).where(User.email.like("dsl%"))
                                      .order_by(User.id).limit(1))
    data = {"label": "Volunteers", "school": school_id, "staff_group": 0, "days": 30, "max_uses": "", **form}
    response = client.post("/dsl/join-links", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get("/dsl/join-links").get_data(as_text=True)
    return re.findall(r'value="https?://[^/"]+(/join/[^"]+)"', page)[0]


def _ask(client: FlaskClient, url: str, email: str = "vol@example.net", **changes: str):
    data = {"first_name": "Val", "last_name": "Unteer", "email": email, "password": PASSWORD, "confirm": PASSWORD,
            **changes}
    return client.post(url, data=data)


def test_a_volunteer_joins_and_signs_in_once_the_dsl_approves(app: Flask, client: FlaskClient, people: dict,
                                                              clock: Clock, smtp_inbox: Inbox) -> None:
    use_smtp(app, smtp_inbox)
    sign_in(client, people["dsl_email"])
    url = _make_link(client, app)
    client.post("/sign-out")
    assert "Join School A safeguarding training" in client.get(url).get_data(as_text=True)
    assert "waiting for the school" in _ask(client, url, email="Vol@Example.net").get_data(as_text=True)
    refused = sign_in(client, "vol@example.net", PASSWORD).get_data(as_text=True)
    assert "Your request to join is waiting for the school" in refused
    wrong = sign_in(client, "vol@example.net", "not the chosen password").get_data(as_text=True)
    assert "waiting" not in wrong  # without the password it says nothing about who has asked
    sign_in(client, people["dsl_email"])
    page = client.get("/dsl/join-links").get_data(as_text=True)
    assert "Val Unteer" in page and "vol@example.net" in page
    with app.app_context():
        request_id = db.session.scalar(select(JoinRequest.id))
    done = client.post(f"/dsl/join-requests/{request_id}/approve", follow_redirects=True).get_data(as_text=True)
    assert "Approved Val Unteer." in done and "are e-mailed to say so" in done
    assert smtp_inbox.recipients == [["vol@example.net"]]
    told = Inbox.text(smtp_inbox.messages[0])
    assert "has been approved" in told and "the password you chose" in told and "/sign-in" in told
    client.post("/sign-out")
    assert sign_in(client, "vol@example.net", PASSWORD).status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "vol@example.net"))
        assert user.school.name == "School A" and user.role == "staff"
        assert db.session.get(JoinRequest, request_id).password_hash is None
        actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("join%"))))
        assert actions == {"join_link.create", "join.request", "join.approve"}


def test_an_expired_withdrawn_or_used_up_link_says_so(app: Flask, client: FlaskClient, people: dict,
                                                      clock: Clock) -> None:
    sign_in(client, people["dsl_email"])
    short = _make_link(client, app, days=1, label="Short")
    once = _make_link(client, app, max_uses=1, label="Once")
    withdrawn = _make_link(client, app, label="Gone")
    with app.app_context():
        gone_id = db.session.scalar(select(JoinLink.id).where(JoinLink.label == "Gone"))
    client.post(f"/dsl/join-links/{gone_id}/withdraw")
    client.post("/sign-out")
    response = client.get(withdrawn)
    assert response.status_code == 410 and "has been withdrawn" in response.get_data(as_text=True)
    assert "waiting for the school" in _ask(client, once).get_data(as_text=True)
    used = _ask(client, once, email="second@example.net")
    assert used.status_code == 410 and "used as many times as it allows" in used.get_data(as_text=True)
    clock.advance(days=1, minutes=1)
    expired = client.get(short)
    assert expired.status_code == 410 and "has expired" in expired.get_data(as_text=True)


def test_a_tampered_link_is_not_valid(app: Flask, client: FlaskClient, people: dict, clock: Clock) -> None:
    sign_in(client, people["dsl_email"])
    url = _make_link(client, app)
    response = client.get(url[:-3] + ("abc" if not url.endswith("abc") else "abd"))
    assert response.status_code == 404 and "not valid" in response.get_data(as_text=True)


def test_bad_input_is_named_and_an_existing_account_learns_nothing(app: Flask, client: FlaskClient, people: dict,
                                                                    clock: Clock) -> None:
    sign_in(client, people["dsl_email"])
    url = _make_link(client, app)
    bad_days = client.post("/dsl/join-links", data={"label": "X", "school": 0, "staff_group": 0, "days": 0})
    assert "Enter a number of days from 1 to 366." in bad_days.get_data(as_text=True)
    client.post("/sign-out")
    short = _ask(client, url, password="short", confirm="short").get_data(as_text=True)
    assert "Password must be at least 12 characters." in short
    named = _ask(client, url, first_name="Line\nbreak").get_data(as_text=True)
    assert "first name must be on one line" in named
    existing = _ask(client, url, email=people["staff_email"]).get_data(as_text=True)
    assert "waiting for the school" in existing  # the same answer as for a newcomer
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(JoinRequest)) == 0
        assert db.session.scalar(select(JoinLink.uses)) == 0


def test_a_rejected_request_never_becomes_an_account(app: Flask, client: FlaskClient, people: dict,
                                                     clock: Clock, smtp_inbox: Inbox) -> None:
    use_smtp(app, smtp_inbox)
    sign_in(client, people["dsl_email"])
    url = _make_link(client, app)
    client.post("/sign-out")
    _ask(client, url)
    sign_in(client, people["dsl_email"])
    with app.app_context():
        request_id = db.session.scalar(select(JoinRequest.id))
    client.post(f"/dsl/join-requests/{request_id}/reject", data={"reason": "Not known to the school"})
    again = client.post(f"/dsl/join-requests/{request_id}/approve", follow_redirects=True).get_data(as_text=True)
    assert "already been decided" in again
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "vol@example.net")) is None
        rejected = db.session.get(JoinRequest, request_id)
        assert rejected.state == "rejected" and rejected.reason == "Not known to the school"
    told = Inbox.text(smtp_inbox.messages[0])
    assert "was not approved" in told and "Not known to the school" in told


def test_the_poster_is_a_pdf_with_the_link(app: Flask, client: FlaskClient, people: dict, clock: Clock) -> None:
    sign_in(client, people["dsl_email"])
    _make_link(client, app)
    with app.app_context():
        link_id = db.session.scalar(select(JoinLink.id))
    response = client.get(f"/dsl/join-links/{link_id}/poster.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
