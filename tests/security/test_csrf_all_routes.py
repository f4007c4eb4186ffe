"""Every state-changing route in the url_map refuses a request without a valid CSRF token, and changes nothing."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp import create_app
from quizapp.extensions import db
from quizapp.models import Base

from ..conftest import TEST_CONFIG, build_app
from .objects import Cast, build_url, client_for, seed, url_values

STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
VIEWERS = ("anonymous", "staff", "admin")
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _state_changing_routes() -> list[tuple[str, str, str]]:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"})
    return sorted((rule.endpoint, rule.rule, method) for rule in app.url_map.iter_rules()
                  for method in STATE_CHANGING if method in rule.methods)


def fingerprint(app: Flask) -> str:
    """A hash of every row of every table, to prove a refused request changed nothing."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
            digest.update(f"{table.name}:{rows!r}".encode())
    return digest.hexdigest()


def page_token(client: FlaskClient, signed_in: bool) -> str:
    """A real token for this client's session, read from a page's form."""
    html = client.get("/home" if signed_in else "/sign-in").get_data(as_text=True)
    match = TOKEN.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture()
def csrf_app(app: Flask, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app with CSRF protection on, as in production, over the emptied test database."""
    protected = build_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    yield protected
    db.dispose(protected)


def _clients(app: Flask, cast: Cast) -> tuple[dict[str, FlaskClient], str]:
    """A client per viewer, each session holding a token of its own, and a token of another session.

    Made before the database is fingerprinted, since signing in writes a session record.
    """
    clients = {role: client_for(app, cast, role) for role in VIEWERS}
    for role, client in clients.items():
        page_token(client, signed_in=role != "anonymous")
    return clients, page_token(client_for(app, cast, "other_staff"), signed_in=True)


def _refusals(client: FlaskClient, foreign: str, url: str, method: str, role: str) -> list[tuple[str, object]]:
    results = []
    for label, data, headers in (("no token", {}, {}),
                                 ("a made-up token", {"csrf_token": "not-a-token"}, {"X-CSRFToken": "not-a-token"}),
                                 ("another session's token", {"csrf_token": foreign}, {"X-CSRFToken": foreign})):
        response = client.open(url, method=method, data=data, headers=headers)
        body = response.get_data(as_text=True)
        if response.status_code != 400 or "CSRF" not in body:
            results.append((f"{method} {url} as {role} with {label}", response.status_code))
    return results


@pytest.mark.parametrize(("endpoint", "rule", "method"), _state_changing_routes())
def test_state_changing_route_refuses_a_request_without_a_valid_csrf_token(
        endpoint: str, rule: str, method: str, csrf_app: Flask) -> None:
    with csrf_app.app_context():
        cast = seed(db.session)
    rule_arguments = set(re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule))
    url = build_url(csrf_app, endpoint, rule_arguments, url_values(cast))
    clients, foreign = _clients(csrf_app, cast)
    before = fingerprint(csrf_app)
    accepted = [problem for role, client in clients.items()
                for problem in _refusals(client, foreign, url, method, role)]
    assert not accepted, f"requests not refused for want of a CSRF token: {accepted}"
    assert fingerprint(csrf_app) == before, f"a refused {method} {url} changed the database"

    # The control: with this session's own token the same request gets past the CSRF check.
    client = client_for(csrf_app, cast, "admin")
    token = page_token(client, signed_in=True)
    response = client.open(url, method=method, data={"csrf_token": token}, headers={"X-CSRFToken": token})
    assert "CSRF" not in response.get_data(as_text=True), f"{method} {url} refused a valid token"
