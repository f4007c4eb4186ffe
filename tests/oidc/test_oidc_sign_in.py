"""Signing in through a real OpenID provider: linking, first sign-in, refusals and signing out."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEvent, OidcLink, User, UserSession

from ..conftest import _empty_tables, build_app
from ..factories import make_user
from .conftest import RunningProvider
from .flow import APP_BASE, app_path, provider_redirect, sign_in_via_provider


@pytest.fixture()
def oidc_app(database_url: str, tmp_path: Path, oidc_provider: RunningProvider) -> Iterator[Flask]:
    """An app whose environment names the test provider (accounts at school.example only, none created)."""
    app = build_app(database_url, tmp_path, BASE_URL=APP_BASE, **oidc_provider.app_config())
    _empty_tables(app)
    yield app
    db.dispose(app)


@pytest.fixture()
def oidc_client(oidc_app: Flask) -> FlaskClient:
    """A test client for the app with the provider."""
    return oidc_app.test_client()


def _person(app: Flask, email: str, **kwargs: object) -> int:
    with app.app_context():
        user = make_user(db.session, "staff", **kwargs)  # type: ignore[arg-type]
        user.email = email
        db.session.commit()
        return user.id


def _refusals(app: Flask) -> list[str]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.oidc_refused")).all()
        return [event.details["reason"] for event in events]


def test_sign_in_page_shows_the_button(oidc_client: FlaskClient) -> None:
    page = oidc_client.get("/sign-in").get_data(as_text=True)
    assert "Sign in with Test Provider" in page
    assert "/sign-in/oidc/start/env" in page


def test_existing_person_signs_in_and_is_linked(oidc_app: Flask, oidc_client: FlaskClient,
                                                oidc_provider: RunningProvider) -> None:
    user_id = _person(oidc_app, "alice@school.example")
    response = sign_in_via_provider(oidc_client, oidc_provider, "alice")
    assert response.status_code == 302 and response.headers["Location"].endswith("/training")
    assert oidc_client.get("/training").status_code == 200
    with oidc_app.app_context():
        link = db.session.scalars(select(OidcLink)).one()
        assert (link.user_id, link.issuer, link.subject) == (user_id, oidc_provider.issuer, "alice")
        # A provider's sign-in is a session record like a password's, so signing out really ends it.
        assert db.session.scalars(select(UserSession.user_id)).all() == [user_id]
        # Linked by (issuer, subject): a later change of e-mail at either end keeps the same account.
        db.session.get(User, user_id).email = "alice.adams@school.example"  # type: ignore[union-attr]
        db.session.commit()
    oidc_client.post("/sign-out")
    with oidc_app.app_context():
        assert db.session.scalar(select(UserSession.id)) is None
    assert sign_in_via_provider(oidc_client, oidc_provider, "alice").status_code == 302
    assert oidc_client.get("/training").status_code == 200


def test_first_sign_in_is_refused_without_an_account_unless_creation_is_allowed(
        database_url: str, tmp_path: Path, oidc_app: Flask, oidc_client: FlaskClient,
        oidc_provider: RunningProvider) -> None:
    response = sign_in_via_provider(oidc_client, oidc_provider, "newbie")
    assert response.headers["Location"].endswith("/sign-in")
    assert "cannot sign in here" in oidc_client.get("/sign-in").get_data(as_text=True)
    assert oidc_client.get("/training").status_code == 302
    creating = build_app(database_url, tmp_path, BASE_URL=APP_BASE,
                         **oidc_provider.app_config(OIDC_CREATE_USERS=True))
    client = creating.test_client()
    assert sign_in_via_provider(client, oidc_provider, "newbie").headers["Location"].endswith("/training")
    with creating.app_context():
        user = db.session.scalars(select(User).where(User.email == "newbie@school.example")).one()
        assert (user.first_name, user.last_name, user.role, user.password_hash) == ("Nia", "Newton", "staff", None)
    db.dispose(creating)


def test_domain_not_allowed_is_refused_even_when_accounts_are_created(
        database_url: str, tmp_path: Path, oidc_provider: RunningProvider) -> None:
    app = build_app(database_url, tmp_path, BASE_URL=APP_BASE, **oidc_provider.app_config(OIDC_CREATE_USERS=True))
    _empty_tables(app)
    client = app.test_client()
    response = sign_in_via_provider(client, oidc_provider, "outsider")
    assert response.headers["Location"].endswith("/sign-in")
    assert "elsewhere.example cannot use this sign-in button" in client.get("/sign-in").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "someone@elsewhere.example")) is None
    assert _refusals(app) == ["domain elsewhere.example not allowed"]
    db.dispose(app)


def test_unverified_email_is_refused(oidc_app: Flask, oidc_client: FlaskClient,
                                     oidc_provider: RunningProvider) -> None:
    _person(oidc_app, "unverified@school.example")
    sign_in_via_provider(oidc_client, oidc_provider, "unverified")
    assert "did not confirm your e-mail" in oidc_client.get("/sign-in").get_data(as_text=True)
    assert oidc_client.get("/training").status_code == 302
    assert _refusals(oidc_app) == ["no verified e-mail for subject unverified"]


def test_deactivated_person_cannot_sign_in_even_when_linked(oidc_app: Flask, oidc_client: FlaskClient,
                                                            oidc_provider: RunningProvider) -> None:
    user_id = _person(oidc_app, "alice@school.example")
    sign_in_via_provider(oidc_client, oidc_provider, "alice")
    oidc_client.post("/sign-out")
    with oidc_app.app_context():
        db.session.get(User, user_id).active = False  # type: ignore[union-attr]
        db.session.commit()
    sign_in_via_provider(oidc_client, oidc_provider, "alice")
    assert oidc_client.get("/training").status_code == 302
    assert _refusals(oidc_app) == [f"user:{user_id} is deactivated"]


def test_replayed_missing_and_wrong_state_are_refused(oidc_app: Flask, oidc_client: FlaskClient,
                                                      oidc_provider: RunningProvider) -> None:
    _person(oidc_app, "alice@school.example")
    start = oidc_client.get("/sign-in/oidc/start/env")
    back = app_path(provider_redirect(oidc_provider, start, "alice"))
    assert oidc_client.get(back.replace("state=", "state=x")).headers["Location"].endswith("/sign-in")
    assert oidc_client.get("/training").status_code == 302  # the wrong state also used the pending sign-in up
    start = oidc_client.get("/sign-in/oidc/start/env")
    back = app_path(provider_redirect(oidc_provider, start, "alice"))
    without_state = "&".join(p for p in back.split("?", 1)[1].split("&") if not p.startswith("state="))
    oidc_client.get("/sign-in/oidc/callback?" + without_state)
    assert oidc_client.get("/training").status_code == 302
    start = oidc_client.get("/sign-in/oidc/start/env")
    back = app_path(provider_redirect(oidc_provider, start, "alice"))
    assert oidc_client.get(back).headers["Location"].endswith("/training")
    oidc_client.post("/sign-out")
    assert oidc_client.get(back).headers["Location"].endswith("/sign-in")  # replayed
    assert oidc_client.get("/training").status_code == 302
    assert _refusals(oidc_app) == ["state missing or wrong"] * 3


def test_wrong_nonce_is_refused(oidc_app: Flask, oidc_client: FlaskClient, oidc_provider: RunningProvider) -> None:
    _person(oidc_app, "alice@school.example")
    start = oidc_client.get("/sign-in/oidc/start/env")
    back = app_path(provider_redirect(oidc_provider, start, "alice"))
    with oidc_client.session_transaction() as session:
        session["oidc_pending"] = {**session["oidc_pending"], "nonce": "not-the-nonce-sent"}
    oidc_client.get(back)
    assert oidc_client.get("/training").status_code == 302
    assert _refusals(oidc_app) == ["ID token claim refused: Invalid claim: 'nonce'"]


def test_sign_out_ends_the_local_session_and_offers_the_providers(oidc_app: Flask, oidc_client: FlaskClient,
                                                                  oidc_provider: RunningProvider) -> None:
    _person(oidc_app, "alice@school.example")
    sign_in_via_provider(oidc_client, oidc_provider, "alice")
    response = oidc_client.post("/sign-out")
    assert response.headers["Location"].endswith("/sign-out/provider")
    assert oidc_client.get("/training").status_code == 302
    page = oidc_client.get("/sign-out/provider").get_data(as_text=True)
    assert oidc_provider.issuer + "/session/end?id_token_hint=" in page
    assert "Sign out of your school account too" in page


def test_client_secret_is_never_logged_or_shown(oidc_app: Flask, oidc_client: FlaskClient,
                                                oidc_provider: RunningProvider,
                                                caplog: pytest.LogCaptureFixture) -> None:
    _person(oidc_app, "unverified@school.example")
    sign_in_via_provider(oidc_client, oidc_provider, "unverified")
    assert "OpenID Connect sign-in refused" in caplog.text
    assert oidc_provider.client_secret not in caplog.text
    assert oidc_provider.client_secret not in oidc_client.get("/sign-in").get_data(as_text=True)
