"""Invitation and reset links: single use, expiry, tampering, the reset request and its neutral answer."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.db import utcnow
from quizapp.extensions import db
from quizapp.models import AuditEvent, User
from quizapp.people.tokens import Purpose, make_token

from ..clock import Clock
from ..conftest import build_app, sign_in
from ..factories import make_user
from ..smtp import Inbox, use_smtp

NEW_PASSWORD = "a brand new passphrase"
LINK = re.compile(r"https?://\S+/account/(?:invitation|reset)/\S+")


def _person(app: Flask, **kwargs: object) -> tuple[int, str]:
    with app.app_context():
        user = make_user(db.session, "staff", **kwargs)
        db.session.commit()
        return user.id, user.email


def _token(app: Flask, user_id: int, purpose: Purpose = Purpose.INVITE) -> str:
    with app.app_context():
        user = db.session.get(User, user_id)
        return make_token(app.config["SECRET_KEY"], purpose, user, app.config.get("CLOCK", utcnow)())


def _path(purpose: Purpose, token: str) -> str:
    return f"/account/{'invitation' if purpose is Purpose.INVITE else 'reset'}/{token}"


def _set(client: FlaskClient, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return client.post(path, data={"password": password, "confirm": password if confirm is None else confirm})


def test_invitation_link_sets_the_password_once(app: Flask, client: FlaskClient) -> None:
    app.config["CLOCK"] = Clock()
    user_id, email = _person(app)
    path = _path(Purpose.INVITE, _token(app, user_id))
    page = client.get(path).get_data(as_text=True)
    assert "Set your password" in page and '<label for="password">New password</label>' in page
    assert '<label for="confirm">Confirm new password</label>' in page
    response = _set(client, path)
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")
    assert sign_in(client, email, NEW_PASSWORD).status_code == 302
    client.post("/sign-out")
    again = client.get(path)
    assert again.status_code == 410 and "This link has already been used" in again.get_data(as_text=True)
    assert _set(client, path, "another fresh passphrase").status_code == 410
    assert sign_in(client, email, "another fresh passphrase").status_code == 200  # still the first password
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.password_set"))


def test_invitation_expires_after_72_hours_and_reset_after_1(app: Flask, client: FlaskClient) -> None:
    clock = Clock()
    app.config["CLOCK"] = clock
    user_id, _ = _person(app)
    invite, reset = _token(app, user_id), _token(app, user_id, Purpose.RESET)
    clock.advance(minutes=59)
    assert client.get(_path(Purpose.RESET, reset)).status_code == 200
    clock.advance(minutes=2)
    expired = client.get(_path(Purpose.RESET, reset))
    assert expired.status_code == 410 and "This link has expired" in expired.get_data(as_text=True)
    assert "Get a new link by email" in expired.get_data(as_text=True)
    clock.advance(hours=70)
    assert client.get(_path(Purpose.INVITE, invite)).status_code == 200
    clock.advance(hours=2)
    assert client.get(_path(Purpose.INVITE, invite)).status_code == 410
    assert _set(client, _path(Purpose.INVITE, invite)).status_code == 410


def test_link_lifetime_is_configurable(app: Flask, client: FlaskClient) -> None:
    clock = Clock()
    app.config.update(CLOCK=clock, INVITE_LINK_HOURS=2)
    user_id, _ = _person(app)
    invite = _token(app, user_id)
    clock.advance(hours=3)
    assert client.get(_path(Purpose.INVITE, invite)).status_code == 410


def test_tampered_or_cross_purpose_link_is_refused(app: Flask, client: FlaskClient) -> None:
    user_id, _ = _person(app)
    token = _token(app, user_id)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.get(_path(Purpose.INVITE, tampered))
    assert response.status_code == 400 and "This link does not work" in response.get_data(as_text=True)
    assert client.get(_path(Purpose.RESET, token)).status_code == 400  # an invitation is not a reset link
    assert client.get(_path(Purpose.INVITE, "not-a-token")).status_code == 400


def test_deactivated_person_cannot_use_a_link(app: Flask, client: FlaskClient) -> None:
    user_id, _ = _person(app, active=False)
    assert client.get(_path(Purpose.INVITE, _token(app, user_id))).status_code == 400


def test_password_rules_and_confirmation_are_checked(app: Flask, client: FlaskClient) -> None:
    user_id, email = _person(app)
    path = _path(Purpose.INVITE, _token(app, user_id))
    short = _set(client, path, "short").get_data(as_text=True)
    assert "Password must be at least 12 characters." in short
    mismatch = _set(client, path, NEW_PASSWORD, "something else entirely").get_data(as_text=True)
    assert "The two passwords do not match." in mismatch
    assert "Password must not be your email address." in _set(client, path, email).get_data(as_text=True)
    assert _set(client, path).status_code == 302  # the link still works after mistakes


def test_reset_request_answers_the_same_and_mails_only_known_people(app: Flask, client: FlaskClient,
                                                                   smtp_inbox: Inbox) -> None:
    use_smtp(app, smtp_inbox)
    app.config["BASE_URL"] = "https://training.example.sch.uk/"
    _, email = _person(app)
    _, gone = _person(app, active=False)
    page = client.get("/account/forgotten").get_data(as_text=True)
    assert '<label for="email">Email</label>' in page
    answers = [client.post("/account/forgotten", data={"email": address})
               for address in (email.upper(), "nobody@example.org", gone)]
    assert {r.status_code for r in answers} == {200}
    texts = [re.sub(r"\S+@\S+", "ADDRESS", r.get_data(as_text=True)) for r in answers]
    assert texts[0] == texts[1] == texts[2] and "Check your email" in texts[0]
    assert [rcpt for rcpt in smtp_inbox.recipients] == [[email]]
    link = LINK.search(Inbox.text(smtp_inbox.messages[0])).group(0)
    assert link.startswith("https://training.example.sch.uk/account/reset/")
    assert _set(client, urlsplit(link).path).status_code == 302
    assert sign_in(client, email, NEW_PASSWORD).status_code == 302


def test_reset_request_without_mail_host_goes_to_the_outbox(app: Flask, client: FlaskClient) -> None:
    _, email = _person(app)
    client.post("/account/forgotten", data={"email": email})
    files = list((Path(app.instance_path) / "outbox").glob("*.eml"))
    assert len(files) == 1 and "/account/reset/" in files[0].read_text()


def test_reset_request_is_rate_limited(database_url: str, tmp_path: Path) -> None:
    app = build_app(database_url, tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    client = app.test_client()
    codes = [client.post("/account/forgotten", data={"email": f"x{i}@example.org"}).status_code for i in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429


def test_sign_in_page_links_to_the_reset_request(client: FlaskClient) -> None:
    html = client.get("/sign-in").get_data(as_text=True)
    assert '<a href="/account/forgotten">Forgotten your password?</a>' in html
    assert "Ask your administrator to send you a link." not in html
