"""The admin's Sign-in screen: providers stored with encrypted secrets, SSO required, the last admin's password."""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import OidcLink, OidcProvider, User

from ..conftest import sign_in
from .conftest import RunningProvider
from .flow import APP_BASE, sign_in_via_provider

ALICE = "alice@school.example"


def _form(running: RunningProvider, **changes: Any) -> dict[str, Any]:
    return {"label": "Sign in with School ID", "preset": "generic", "issuer": running.issuer,
            "client_id": running.client_id, "client_secret": running.client_secret, "domains": "school.example",
            "school": 0, "staff_group": 0, **changes}


def _admin_client(app: Flask, people: dict) -> FlaskClient:
    app.config["BASE_URL"] = APP_BASE
    client = app.test_client()
    assert sign_in(client, people["admin_email"]).status_code == 302
    return client


def _add(client: FlaskClient, running: RunningProvider, **changes: Any) -> int:
    response = client.post("/admin/sign-in/new", data=_form(running, **changes))
    assert response.status_code == 302, response.get_data(as_text=True)
    with client.application.app_context():
        return db.session.scalars(select(OidcProvider)).one().id


def _alice(app: Flask, people: dict) -> None:
    with app.app_context():
        user = db.session.get(User, people["staff"])
        assert user is not None
        user.email = ALICE
        db.session.commit()


def test_added_provider_keeps_its_secret_encrypted_and_signs_people_in(
        app: Flask, people: dict, oidc_provider: RunningProvider) -> None:
    admin = _admin_client(app, people)
    provider_id = _add(admin, oidc_provider)
    with app.app_context():
        stored = db.session.get(OidcProvider, provider_id)
        assert stored is not None and oidc_provider.client_secret.encode() not in stored.client_secret_encrypted
    edit_page = admin.get(f"/admin/sign-in/{provider_id}").get_data(as_text=True)
    assert oidc_provider.client_secret not in edit_page
    assert APP_BASE + "/sign-in/oidc/callback" in admin.get("/admin/sign-in").get_data(as_text=True)
    # Saving with the secret left blank keeps the stored one: sign-in still works afterwards.
    assert admin.post(f"/admin/sign-in/{provider_id}", data=_form(oidc_provider, client_secret="")).status_code == 302
    _alice(app, people)
    visitor = app.test_client()
    assert "Sign in with School ID" in visitor.get("/sign-in").get_data(as_text=True)
    response = sign_in_via_provider(visitor, oidc_provider, "alice", key=str(provider_id))
    assert response.headers["Location"].endswith("/training")


def test_bad_input_names_the_field(app: Flask, people: dict, oidc_provider: RunningProvider) -> None:
    admin = _admin_client(app, people)
    page = admin.post("/admin/sign-in/new", data=_form(oidc_provider, issuer="http://id.example.org")).get_data(
        as_text=True)
    assert "The issuer must be an https:// address." in page
    page = admin.post("/admin/sign-in/new", data=_form(oidc_provider, domains="not a domain")).get_data(as_text=True)
    assert "is not an e-mail domain" in page
    page = admin.post("/admin/sign-in/new", data=_form(oidc_provider, client_secret="")).get_data(as_text=True)
    assert "Enter the client secret from the provider." in page
    with app.app_context():
        assert db.session.scalars(select(OidcProvider)).all() == []


def test_required_provider_refuses_the_password_form_naming_the_button(
        app: Flask, people: dict, oidc_provider: RunningProvider) -> None:
    admin = _admin_client(app, people)
    _alice(app, people)
    assert sign_in(app.test_client(), ALICE).status_code == 302  # a password works before
    _add(admin, oidc_provider, required="y")
    refused = sign_in(app.test_client(), ALICE)
    assert refused.status_code == 200
    assert "use the “Sign in with School ID” button" in refused.get_data(as_text=True)
    assert sign_in(app.test_client(), people["admin_email"]).status_code == 302  # other domains are unaffected


def test_the_last_admin_with_a_password_cannot_be_locked_out(
        app: Flask, people: dict, oidc_provider: RunningProvider) -> None:
    admin = _admin_client(app, people)
    admin_domain = people["admin_email"].rpartition("@")[2]
    page = admin.post("/admin/sign-in/new", data=_form(oidc_provider, domains=admin_domain, required="y"))
    assert "At least one admin must keep a password" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(OidcProvider)).all() == []
    provider_id = _add(admin, oidc_provider, domains=admin_domain)
    page = admin.post(f"/admin/sign-in/{provider_id}", data=_form(oidc_provider, domains=admin_domain, required="y"))
    assert "At least one admin must keep a password" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(OidcProvider, provider_id).required is False  # type: ignore[union-attr]


def test_admin_sees_and_removes_a_persons_link(app: Flask, people: dict, oidc_provider: RunningProvider) -> None:
    admin = _admin_client(app, people)
    provider_id = _add(admin, oidc_provider)
    _alice(app, people)
    sign_in_via_provider(app.test_client(), oidc_provider, "alice", key=str(provider_id))
    page = admin.get(f"/admin/users/{people['staff']}").get_data(as_text=True)
    assert f"{ALICE} at {oidc_provider.issuer}" in page
    with app.app_context():
        link_id = db.session.scalars(select(OidcLink)).one().id
    admin.post(f"/admin/users/{people['staff']}/sign-in-links/{link_id}/remove")
    with app.app_context():
        assert db.session.scalars(select(OidcLink)).all() == []
