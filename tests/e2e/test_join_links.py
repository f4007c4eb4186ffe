"""A volunteer joins by a DSL's join link in the browser, the DSL approves; the use limit, expiry and withdrawal."""
from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from quizapp.models import User

from .conftest import LiveServer, check_accessibility, sign_in

pytestmark = pytest.mark.e2e
PASSWORD = "volunteer passphrase 2026"


def _make_link(page: Any, label: str, days: int = 30, limit: str = "") -> str:
    page.goto("/dsl/join-links")
    page.get_by_label("Name for this link").fill(label)
    page.get_by_label("Works for (days)").fill(str(days))
    page.get_by_label("Most people who may join by it").fill(limit)
    page.get_by_role("button", name="Make join link").click()
    assert f"Made the join link '{label}'" in page.get_by_role("main").inner_text()
    return str(page.get_by_label(f"Address of {label}").input_value())


def _ask_to_join(page: Any, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_label("First name").fill("Val")
    page.get_by_label("Last name").fill("Unteer")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Ask to join").click()


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_a_volunteer_joins_by_link_and_is_approved(page: Any, live_server: LiveServer) -> None:
    dsl = live_server.add_person("dsl")
    sign_in(page, dsl)
    label = f"Volunteers {uuid.uuid4().hex[:6]}"
    url = _make_link(page, label, limit="1")
    check_accessibility(page, "join links")
    _sign_out(page)
    email = f"val-{uuid.uuid4().hex[:6]}@example.net"
    page.goto(url)
    check_accessibility(page, "join page")
    _ask_to_join(page, url, email)
    assert "waiting for the school's safeguarding lead" in page.get_by_role("status").inner_text()
    page.goto(url)  # its one use is taken
    assert "used as many times as it allows" in page.get_by_role("main").inner_text()
    sign_in(page, dsl)
    page.goto("/dsl/join-links")
    page.get_by_role("button", name="Approve Val Unteer").click()
    assert "Approved Val Unteer." in page.get_by_role("main").inner_text()
    _sign_out(page)
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/training")
    with live_server.session() as session:
        assert session.scalar(select(User.active).where(User.email == email)) is True


def test_a_withdrawn_or_expired_link_says_so(page: Any, live_server: LiveServer) -> None:
    sign_in(page, live_server.add_person("dsl"))
    short = _make_link(page, f"Short {uuid.uuid4().hex[:6]}", days=1)
    gone_label = f"Gone {uuid.uuid4().hex[:6]}"
    gone = _make_link(page, gone_label)
    page.get_by_role("button", name=f"Withdraw {gone_label}").click()
    assert f"Withdrew the join link '{gone_label}'" in page.get_by_role("main").inner_text()
    _sign_out(page)
    page.goto(gone)
    assert "has been withdrawn" in page.get_by_role("main").inner_text()
    live_server.shift(2 * 24 * 3600)
    try:
        page.goto(short)
        assert "has expired" in page.get_by_role("main").inner_text()
    finally:
        live_server.shift(-2 * 24 * 3600)
