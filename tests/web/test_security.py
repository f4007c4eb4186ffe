"""Roles, CSRF, headers, rate limits and error pages."""
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import limiter

from ..conftest import build_app, sign_in


def test_security_headers_on_every_page(client: FlaskClient) -> None:
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_lax(client: FlaskClient, people: dict) -> None:
    response = sign_in(client, people["staff_email"])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_admin_page_needs_sign_in_then_admin_role(client: FlaskClient, people: dict) -> None:
    assert client.get("/admin/audit").status_code == 302
    sign_in(client, people["staff_email"])
    forbidden = client.get("/admin/audit")
    assert forbidden.status_code == 403
    assert "You do not have access to this page" in forbidden.get_data(as_text=True)
    client.post("/sign-out")
    sign_in(client, people["dsl_email"])
    assert client.get("/admin/audit").status_code == 403
    client.post("/sign-out")
    sign_in(client, people["admin_email"])
    assert client.get("/admin/audit").status_code == 200


def test_post_without_csrf_token_is_rejected(database_url: str, tmp_path: Path, people: dict) -> None:
    app = build_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/sign-in", data={"email": people["staff_email"], "password": "correct horse battery"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302


def test_error_pages_use_the_site_layout(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert 'class="skip-link"' in html and "<main" in html and "Page not found" in html


def test_healthz_answers_when_the_database_does(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def _hammer(app: Flask, email: str) -> list[int]:
    client = app.test_client()
    return [client.post("/sign-in", data={"email": email, "password": "wrong password 123"}).status_code
            for _ in range(11)]


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_eleventh_failure_in_a_minute_is_rate_limited(
    database_url: str, tmp_path: Path, people: dict, storage: str, redis_url: str
) -> None:
    uri = "memory://" if storage == "memory" else redis_url
    if storage == "redis":
        redis.Redis.from_url(redis_url).flushdb()
    app = build_app(database_url, tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=uri)
    with app.app_context():
        limiter.reset()
    codes = _hammer(app, people["staff_email"])
    assert codes[:10] == [200] * 10
    assert codes[10] == 429
    blocked = app.test_client().post("/sign-in", data={"email": people["staff_email"], "password": "x"})
    html = blocked.get_data(as_text=True)
    assert blocked.status_code == 429 and "You can try again in" in html
    assert int(blocked.headers["Retry-After"]) <= 60


def test_successful_sign_ins_do_not_count_towards_the_limit(
    database_url: str, tmp_path: Path, people: dict
) -> None:
    app = build_app(database_url, tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    with app.app_context():
        limiter.reset()
    for _ in range(12):
        client = app.test_client()
        assert sign_in(client, people["staff_email"]).status_code == 302
