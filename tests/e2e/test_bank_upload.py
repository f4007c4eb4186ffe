"""The admin uploads a bank in the browser, sees the preview (or the errors by line) and applies it."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from quizapp.models import Question, QuestionBank

from .conftest import LiveServer, check_accessibility, sign_in

pytestmark = pytest.mark.e2e

GOOD = """::up-001::Who should a member of staff tell first about a safeguarding concern?{
=The designated safeguarding lead ~The pupil's parents ~Nobody until they are sure
####Concerns go to the DSL straight away, even when staff are unsure.}

::up-002::Staff may promise a pupil to keep a disclosure secret.{F####Never promise secrecy: pass it on.}
"""
BROKEN = "::up-001::Pick one{=a ~b ~c\n\n::up-002::Pick one{=a ~A ~c}\n"


def _upload(page: Any, path: Path, bank_id: str) -> None:
    page.goto("/admin/banks")
    page.get_by_label("Bank file").set_input_files(str(path))
    page.get_by_label("Bank id (GIFT, Moodle XML and Aiken only)").fill(bank_id)
    page.get_by_label("Bank title (GIFT, Moodle XML and Aiken only)").fill("Uploaded in the browser")
    page.get_by_role("button", name="Preview import").click()


def test_admin_previews_then_applies_a_bank_upload(page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    admin = live_server.add_person("admin")
    sign_in(page, admin)
    broken = tmp_path / "broken.gift"
    broken.write_text(BROKEN)
    _upload(page, broken, "browser-broken")
    alert = page.get_by_role("alert")
    assert "nothing was imported" in alert.inner_text()
    assert "broken.gift:1" in alert.inner_text() and "broken.gift:3" in alert.inner_text()
    good = tmp_path / "good.gift"
    good.write_text(GOOD)
    _upload(page, good, "browser-upload")
    assert "add 2 questions" in page.locator("main").inner_text()
    check_accessibility(page, "bank upload preview")
    with live_server.session() as session:
        assert session.scalar(select(QuestionBank).where(QuestionBank.slug == "browser-upload")) is None
    page.get_by_role("button", name="Apply import").click()
    page.wait_for_url("**/admin/banks/browser-upload")
    assert "Who should a member of staff tell first" in page.locator("main").inner_text()
    with live_server.session() as session:
        bank = session.scalar(select(QuestionBank).where(QuestionBank.slug == "browser-upload"))
        assert session.scalar(select(func.count()).select_from(Question).where(Question.bank_id == bank.id)) == 2
