"""Joining by a link with a provider account: the request, the DSL's approval, then signing in with the button."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import JoinLink, JoinRequest, OidcLink, OutboxMessage, User

from ..conftest import _empty_tables, build_app, sign_in
from ..factories import make_cast
from .conftest import RunningProvider
from .flow import APP_BASE, app_path, provider_redirect, sign_in_via_provider


@pytest.fixture()
def join_app(database_url: str, tmp_path: Path, oidc_provider: RunningProvider) -> Iterator[Flask]:
    """The test provider (school.example only, creating no accounts) beside the usual small cast."""
    app = build_app(database_url, tmp_path, BASE_URL=APP_BASE, **oidc_provider.app_config())
    _empty_tables(app)
    with app.app_context():
        make_cast(db.session)
        db.session.commit()
    yield app
    db.dispose(app)


def _dsl_email(app: Flask) -> str:
    with app.app_context():
        return str(db.session.scalar(select(User.email).where(User.email.like("dsl%")).order_by(User.id).limit(1)))


def _link_path(app: Flask, client: FlaskClient, **form: object) -> str:
    sign_in(client, _dsl_email(app))
    with app.app_context():
        school_id = db.session.scalar(select(User.school_id).where(User.email == _dsl_email(app)))
    data = {"label": "Supply staff", "school": school_id, "staff_group": 0, "days": 30, "max_uses": "", **form}
    assert client.post("/dsl/join-links", data=data).status_code == 302
    page = client.get("/dsl/join-links").get_data(as_text=True)
    client.post("/sign-out")
    return re.findall(r'value="https?://[^/"]+(/join/[^"]+)"', page)[0]


def _join_with_provider(client: FlaskClient, provider: RunningProvider, path: str, username: str):
    page = client.get(path).get_data(as_text=True)
    start = re.findall(r'href="([^"]*/sign-in/oidc/start/env\?join=[^"]+)"', page)
    assert start, page
    response = client.get(start[0].replace("&amp;", "&"))
    assert response.status_code == 302
    return client.get(app_path(provider_redirect(provider, response, username)))


def test_a_newcomer_joins_with_the_provider_and_signs_in_with_it_once_approved(
        join_app: Flask, oidc_provider: RunningProvider) -> None:
    client = join_app.test_client()
    path = _link_path(join_app, client)
    assert "Join with Test Provider" in client.get(path).get_data(as_text=True)
    answer = _join_with_provider(client, oidc_provider, path, "newbie")
    assert answer.status_code == 200, answer.get_data(as_text=True)[-1500:]
    assert "Your request to join School A is waiting" in answer.get_data(as_text=True)
    assert client.get("/training").status_code == 302  # not signed in: the DSL has not decided
    with join_app.app_context():
        request = db.session.scalars(select(JoinRequest)).one()
        assert (request.email, request.first_name, request.last_name, request.password_hash,
                request.oidc_subject) == ("newbie@school.example", "Nia", "Newton", None, "newbie")
        assert db.session.scalars(select(JoinLink)).one().uses == 1
        request_id = request.id
    # Signing in with the button before approval says why, rather than "cannot sign in here".
    sign_in_via_provider(client, oidc_provider, "newbie")
    assert "Your request to join is waiting" in client.get("/sign-in").get_data(as_text=True)

    sign_in(client, _dsl_email(join_app))
    assert "confirmed by their school account" in client.get("/dsl/join-links").get_data(as_text=True)
    client.post(f"/dsl/join-requests/{request_id}/approve", data={})
    assert "the school account they joined with" in client.get("/dsl/join-links").get_data(as_text=True)
    with join_app.app_context():
        told = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "join_approved")).one()
        assert told.recipient == "newbie@school.example" and told.user_id is not None
    client.post("/sign-out")
    with join_app.app_context():
        user = db.session.scalars(select(User).where(User.email == "newbie@school.example")).one()
        link = db.session.scalars(select(OidcLink)).one()
        assert (user.password_hash, link.user_id, link.subject) == (None, user.id, "newbie")
        assert db.session.get(JoinRequest, request_id).oidc_subject is None  # type: ignore[union-attr]
    assert sign_in_via_provider(client, oidc_provider, "newbie").headers["Location"].endswith("/training")
    assert client.get("/training").status_code == 200


def test_someone_with_an_account_is_told_to_sign_in_and_takes_no_use(
        join_app: Flask, oidc_provider: RunningProvider) -> None:
    client = join_app.test_client()
    path = _link_path(join_app, client, max_uses=1)
    with join_app.app_context():
        existing = db.session.scalars(select(User).where(User.role == "staff").order_by(User.id)).first()
        assert existing is not None
        existing.email = "alice@school.example"
        db.session.commit()
    answer = _join_with_provider(client, oidc_provider, path, "alice")
    assert "You already have an account" in answer.get_data(as_text=True)
    with join_app.app_context():
        assert db.session.scalars(select(JoinRequest)).first() is None
        assert db.session.scalars(select(JoinLink)).one().uses == 0


def test_the_providers_rules_still_hold_when_joining(join_app: Flask, oidc_provider: RunningProvider) -> None:
    client = join_app.test_client()
    path = _link_path(join_app, client)
    for username, message in (("outsider", "elsewhere.example cannot use this sign-in button"),
                              ("unverified", "did not confirm your e-mail")):
        response = _join_with_provider(client, oidc_provider, path, username)
        assert response.headers["Location"].endswith("/sign-in")
        assert message in client.get("/sign-in").get_data(as_text=True)
    with join_app.app_context():
        assert db.session.scalars(select(JoinRequest)).first() is None


def test_a_withdrawn_link_refuses_the_provider_route_too(join_app: Flask, oidc_provider: RunningProvider) -> None:
    client = join_app.test_client()
    path = _link_path(join_app, client)
    page = client.get(path).get_data(as_text=True)
    start = re.findall(r'href="([^"]*/sign-in/oidc/start/env\?join=[^"]+)"', page)[0].replace("&amp;", "&")
    with join_app.app_context():
        link = db.session.scalars(select(JoinLink)).one()
        link.revoked_at = link.created_at
        db.session.commit()
    response = client.get(start)
    answer = client.get(app_path(provider_redirect(oidc_provider, response, "newbie")))
    assert answer.status_code == 410
    with join_app.app_context():
        assert db.session.scalars(select(JoinRequest)).first() is None


def test_a_password_is_refused_where_the_domain_must_use_the_provider(
        app: Flask, people: dict, oidc_provider: RunningProvider) -> None:
    app.config["BASE_URL"] = APP_BASE
    client = app.test_client()
    sign_in(client, people["admin_email"])
    form = {"label": "Sign in with School ID", "preset": "generic", "issuer": oidc_provider.issuer,
            "client_id": oidc_provider.client_id, "client_secret": oidc_provider.client_secret,
            "domains": "school.example", "school": 0, "staff_group": 0, "required": "y"}
    assert client.post("/admin/sign-in/new", data=form).status_code == 302
    client.post("/sign-out")
    path = _link_path(app, client)
    password = "a long volunteer passphrase"
    page = client.post(path, data={"first_name": "Sam", "last_name": "Supply", "email": "sam@school.example",
                                   "password": password, "confirm": password}).get_data(as_text=True)
    assert "join with the “Sign in with School ID” button" in page
    assert "Join with School ID" in page
    with app.app_context():
        assert db.session.scalars(select(JoinRequest)).first() is None
