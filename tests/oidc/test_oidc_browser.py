"""Chromium signs in through the real provider's login page and comes back signed in (the issue's "done when")."""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from quizapp import create_app
from quizapp.extensions import db
from quizapp.migrate import upgrade

from ..dbs import temporary_database
from ..e2e.conftest import _start_server, _wait_healthy
from ..factories import make_user
from .conftest import RunningProvider

pytestmark = pytest.mark.e2e


def _backend() -> str:
    return "postgresql" if os.environ.get("QUIZAPP_TEST_DATABASE_URL") else "sqlite"


@pytest.fixture(scope="module")
def oidc_server(browser: Any, oidc_provider: RunningProvider,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """The real app over HTTP, given the provider by environment as an operator would, creating accounts."""
    tmp = tmp_path_factory.mktemp("oidc-e2e")
    (tmp / "instance").mkdir()
    (tmp / "clock").write_text("0")
    env = {"QUIZAPP_OIDC_ISSUER": oidc_provider.issuer, "QUIZAPP_OIDC_CLIENT_ID": oidc_provider.client_id,
           "QUIZAPP_OIDC_CLIENT_SECRET": oidc_provider.client_secret, "QUIZAPP_OIDC_LABEL": "Sign in with Test ID",
           "QUIZAPP_OIDC_DOMAINS": "school.example", "QUIZAPP_OIDC_CREATE_USERS": "1"}
    with temporary_database(_backend(), tmp) as database_url, pytest.MonkeyPatch.context() as patch:
        seeding = create_app({"DATABASE_URL": database_url, "SECRET_KEY": secrets.token_urlsafe(16), "TESTING": True})
        with seeding.app_context():
            upgrade()
            user = make_user(db.session, "staff", first_name="Alice", last_name="Adams")
            user.email = "alice@school.example"
            db.session.commit()
        for name, value in env.items():
            patch.setenv(name, value)
        process, port = _start_server(database_url, tmp / "clock", tmp / "instance", tmp / "server.log")
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process, tmp / "server.log")
            yield url, seeding
        finally:
            process.terminate()
            process.wait(timeout=10)
            db.dispose(seeding)


@pytest.fixture()
def page(browser: Any, oidc_server: tuple[str, Any]) -> Iterator[Any]:
    """A fresh profile per test, so no provider session carries over."""
    context = browser.new_context(base_url=oidc_server[0], locale="en-GB")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _sign_in_at_provider(page: Any, username: str, password: str) -> None:
    page.goto("/sign-in")
    page.get_by_role("link", name="Sign in with Test ID").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()


def test_person_signs_in_with_the_provider_and_lands_on_my_training(
        page: Any, oidc_provider: RunningProvider) -> None:
    _sign_in_at_provider(page, "alice", oidc_provider.password)
    page.wait_for_url("**/training")
    assert page.get_by_role("heading", level=1).inner_text() == "My training"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-out/provider")
    page.get_by_role("link", name="Sign out of your school account too").click()
    page.wait_for_url(lambda url: "/session/end" in url or "/sign-in" in url)


def test_first_sign_in_creates_the_account(page: Any, oidc_provider: RunningProvider) -> None:
    _sign_in_at_provider(page, "newbie", oidc_provider.password)
    page.wait_for_url("**/training")
    assert "Nia Newton" in page.content()


def test_a_domain_not_allowed_is_refused_plainly(page: Any, oidc_provider: RunningProvider) -> None:
    _sign_in_at_provider(page, "outsider", oidc_provider.password)
    page.wait_for_url("**/sign-in")
    assert page.get_by_text("E-mail addresses at elsewhere.example cannot use this sign-in button.").is_visible()
