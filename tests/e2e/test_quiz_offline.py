"""A flaky connection in Chromium: answers chosen offline are kept in the browser and reach the server later."""
from __future__ import annotations

import re
from typing import Any

import pytest

from quizapp.models import Attempt

from .conftest import LiveServer, check_accessibility, sign_in
from .test_journeys import _attempt_id, _items, _start_quiz, expect

pytestmark = pytest.mark.e2e


def _stored(live: LiveServer, attempt_id: int) -> dict[int, list[str] | None]:
    return {item.id: item.answer for item in _items(live, attempt_id)}


def _status(page: Any, item_id: int) -> Any:
    return page.locator(f'fieldset[data-question="{item_id}"] .question-status')


def _choose(page: Any, item: Any) -> list[str]:
    """Tick the question's right options; the answer as the server should store it (option order)."""
    for option_id in item.correct_option_ids:
        page.locator(f'input[value="{option_id}"]').check()
    return [o["id"] for o in item.options if o["id"] in item.correct_option_ids]


def _forgive_offline_errors(page: Any) -> None:
    """Chromium logs each request made while offline; those are this test's doing, not the app's."""
    page.console_errors[:] = [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e]


def test_answers_chosen_offline_are_sent_when_back_online_and_survive_a_reload(
        page: Any, context: Any, live_server: LiveServer) -> None:
    live = live_server
    person = live.add_person("staff")
    live.add_course(questions=6, time_limit=10, cooldown=0, title="Flaky Connection Course")
    sign_in(page, person)
    _start_quiz(page, "Flaky Connection Course")
    attempt_id = _attempt_id(page)
    items = _items(live, attempt_id)
    expected: dict[int, list[str]] = {}

    expected[items[0].id] = _choose(page, items[0])
    expect(_status(page, items[0].id)).to_have_text("Saved")

    context.set_offline(True)
    for item in items[1:4]:
        expected[item.id] = _choose(page, item)
        expect(_status(page, item.id)).to_have_text("Not saved yet: will retry")
    expect(page.get_by_role("status").filter(has_text="connection dropped")).to_be_visible()
    assert all(_stored(live, attempt_id)[item.id] is None for item in items[1:4])
    context.set_offline(False)  # the browser's online event sends what is waiting
    for item in items[1:4]:
        expect(_status(page, item.id)).to_have_text("Saved")
    assert {k: v for k, v in _stored(live, attempt_id).items() if k in expected} == expected

    # Two more answers while the server cannot be reached, then a reload: the browser still has them.
    page.route("**/answers", lambda route: route.abort("internetdisconnected"))
    for item in items[4:6]:
        expected[item.id] = _choose(page, item)
        expect(_status(page, item.id)).to_have_text("Not saved yet: will retry")
    page.unroute("**/answers")
    with page.expect_response(lambda r: r.url.endswith("/answers")):
        page.reload()
    for item in items[4:6]:
        expect(_status(page, item.id)).to_have_text("Saved")
        for option_id in expected[item.id]:
            expect(page.locator(f'input[value="{option_id}"]')).to_be_checked()
    assert _stored(live, attempt_id) == expected
    check_accessibility(page, "quiz page after a dropped connection")

    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url(re.compile(rf"/attempts/{attempt_id}/result$"))
    expect(page.get_by_text("6 of 6 right")).to_be_visible()
    assert page.evaluate("() => Object.keys(window.localStorage).filter(k => k.startsWith('quizapp.'))") == []
    with live.session() as session:
        assert session.get(Attempt, attempt_id).correct_count == 6
    _forgive_offline_errors(page)


def test_offline_submit_waits_and_the_countdown_stays_in_view(page: Any, context: Any,
                                                               live_server: LiveServer) -> None:
    live = live_server
    person = live.add_person("staff")
    live.add_course(questions=12, time_limit=10, cooldown=0, title="Long Scroll Course")
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, person)
    _start_quiz(page, "Long Scroll Course")
    attempt_id = _attempt_id(page)
    items = _items(live, attempt_id)
    last = page.locator(f'fieldset[data-question="{items[-1].id}"]')
    last.scroll_into_view_if_needed()
    timer = page.get_by_role("timer", name="Time remaining")
    expect(timer).to_be_in_viewport()
    # The bar never sits over the question that has focus.
    page.locator(f'fieldset[data-question="{items[5].id}"] input').first.focus()
    bar = page.locator(".quiz-bar").bounding_box()
    focused = page.evaluate("() => document.activeElement.getBoundingClientRect().top")
    assert focused >= bar["y"] + bar["height"], (bar, focused)
    check_accessibility(page, "quiz page at 320 px, scrolled")

    context.set_offline(True)
    _choose(page, items[0])
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("status")).to_contain_text("You are offline")
    assert re.search(rf"/attempts/{attempt_id}$", page.url)
    context.set_offline(False)
    expect(_status(page, items[0].id)).to_have_text("Saved")
    _forgive_offline_errors(page)
