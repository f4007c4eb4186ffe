"""The admin imports a new edition of a bank in use in the browser and must say whether it is material."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from quizapp.models import BankEdition, QuestionBank

from .conftest import LiveServer, check_accessibility, sign_in

pytestmark = pytest.mark.e2e

FIRST = """::ed-001::Who should a member of staff tell first about a safeguarding concern?{
=The designated safeguarding lead ~The pupil's parents ~Nobody until they are sure
####Concerns go to the DSL straight away, even when staff are unsure.}

::ed-002::Staff may promise a pupil to keep a disclosure secret.{F####Never promise secrecy: pass it on.}
"""
SECOND = FIRST.replace("tell first", "tell first, today,") + """
::ed-003::A pupil shows you a threatening message. What do you do?{=Tell the DSL now ~Reply to it ~Delete it
####Tell the DSL: do not reply, delete or forward.}
"""


def _upload(page: Any, path: Path) -> None:
    page.goto("/admin/banks")
    page.get_by_label("Bank file").set_input_files(str(path))
    page.get_by_label("Bank id (GIFT, Moodle XML and Aiken only)").fill("browser-edition")
    page.get_by_label("Bank title (GIFT, Moodle XML and Aiken only)").fill("Edition in the browser")
    page.get_by_role("button", name="Preview import").click()


def test_material_edition_needs_a_choice_and_a_note(page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    sign_in(page, live_server.add_person("admin"))
    first, second = tmp_path / "first.gift", tmp_path / "second.gift"
    first.write_text(FIRST)
    second.write_text(SECOND)
    _upload(page, first)
    page.get_by_role("button", name="Apply import").click()
    page.wait_for_url("**/admin/banks/browser-edition")
    _upload(page, second)
    group = page.get_by_role("group", name="Is this a material change?")
    assert group.is_visible()
    check_accessibility(page, "bank edition preview")
    page.get_by_role("button", name="Apply import").click()
    assert "Say whether the change is material." in page.get_by_role("alert").inner_text()
    group.get_by_label("Yes: everyone with a current pass must take a short update quiz").check()
    page.get_by_label("What changed").fill("A new question on threatening messages.")
    page.get_by_role("button", name="Apply import").click()
    page.wait_for_url("**/admin/banks/browser-edition")
    assert "A new question on threatening messages." in page.locator("main").inner_text()
    with live_server.session() as session:
        bank = session.scalar(select(QuestionBank).where(QuestionBank.slug == "browser-edition"))
        assert bank is not None
        (edition,) = session.scalars(select(BankEdition).where(BankEdition.bank_id == bank.id)).all()
        assert edition.material and edition.question_ids == ["ed-001", "ed-003"]
