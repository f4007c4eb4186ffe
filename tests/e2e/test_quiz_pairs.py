"""Matching and ordering answered with the keyboard alone in Chromium, each select saved as chosen, and axe-clean."""
from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from quizapp.models import AttemptQuestion

from ..factories import PAIRS, STEPS, make_pair_course
from .conftest import LiveServer, check_accessibility, sign_in
from .test_journeys import FOCUSED, _press_and_save, _tab_until, expect

pytestmark = pytest.mark.e2e


def _right_values(item: AttemptQuestion) -> dict[str, str]:
    """Each item's id with the value of its right choice."""
    names = {o["text"]: o["id"] for o in item.options}
    if item.type == "matching":
        return {names[k]: f"{names[k]}={names[v]}" for k, v in PAIRS.items()}
    return {names[s]: f"{names[s]}={n}" for n, s in enumerate(STEPS, start=1)}


def _choose_with_keys(page: Any, item_id: str, wanted: str) -> None:
    """Tab to the item's select, then move through its choices with the arrow key until the right one is chosen."""
    _tab_until(page, lambda f: f["tag"] == "SELECT" and page.evaluate("document.activeElement.id") == f"o-{item_id}",
               f"the select for item {item_id}")
    for _ in range(len(STEPS) + 2):
        if page.evaluate(FOCUSED)["value"] == wanted:
            return
        _press_and_save(page, "ArrowDown")
    raise AssertionError(f"{wanted} could not be chosen with the arrow keys")


def test_matching_and_ordering_with_the_keyboard_only(page: Any, live_server: LiveServer) -> None:
    with live_server.session() as session:
        course_id = make_pair_course(session)
        session.commit()
    sign_in(page, live_server.add_person())
    page.goto(f"/courses/{course_id}")
    page.get_by_role("button", name="Start quiz").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    expect(page.get_by_role("combobox", name="DSL", exact=True)).to_be_visible()  # each select is named by its item
    expect(page.get_by_role("combobox", name=STEPS[0])).to_be_visible()
    check_accessibility(page, "quiz with matching and ordering questions")
    attempt_id = int(re.search(r"/attempts/(\d+)", page.url).group(1))
    with live_server.session() as session:
        items = list(session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)
                                     .order_by(AttemptQuestion.position)))
    page.locator("body").focus()
    for item in items:
        # The selects come in the order shown; Tab reaches each in turn.
        for option in (o for o in item.options if o["role"] == "item"):
            _choose_with_keys(page, option["id"], _right_values(item)[option["id"]])
        expect(page.locator(f'fieldset[data-question="{item.id}"] .question-status')).to_have_text("Saved")
    with live_server.session() as session:
        saved = {i.type: sorted(i.answer or []) for i in session.scalars(
            select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id))}
    assert saved == {i.type: sorted(_right_values(i).values()) for i in items}
    _tab_until(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Submit answers", "Submit answers")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/attempts/\d+/result$"))
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    check_accessibility(page, "result with matching and ordering questions")
