"""After a material bank edition, staff see what changed on My training and take the short update quiz."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.models import AttemptQuestion, Course, User

from ..factories import certify
from ..update_helpers import new_edition
from ..web.dsl_helpers import require
from .conftest import LiveServer, check_accessibility, sign_in

pytestmark = pytest.mark.e2e
TITLE = "Update Journey Safeguarding"
NOTE = "Question 1 now follows KCSIE 2026; a new question on reporting."


def _passed_before_an_edition(live: LiveServer, title: str = TITLE, last_name: str = "Update") -> Any:
    person = live.add_person("staff", first_name="Una", last_name=last_name)
    course_id = live.add_course(questions=6, draw_count=4, time_limit=10, title=title)
    with live.session() as session:
        course, user = session.get(Course, course_id), session.get(User, person.id)
        assert course is not None and user is not None
        require(session, course, "Teaching staff")
        certify(session, user, course, live.now() - timedelta(days=20))
        new_edition(session, course, live.now() - timedelta(days=1), note=NOTE)
        session.commit()
    return person


def test_staff_take_the_update_quiz_from_my_training(page: Any, live_server: LiveServer) -> None:
    sign_in(page, _passed_before_an_edition(live_server))
    page.goto("/training")
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=TITLE))
    expect(card.get_by_text("Update required", exact=True)).to_be_visible()
    expect(card.get_by_text(NOTE)).to_be_visible()
    check_accessibility(page, "My training with an update required")
    card.get_by_role("button", name=re.compile(rf"Start update quiz\s*:\s*{re.escape(TITLE)}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{TITLE}: update quiz")
    expect(page.get_by_role("timer", name="Time remaining")).to_be_visible()
    attempt_id = int(re.search(r"/attempts/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    with live_server.session() as session:
        items = session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)).all()
        answers = [(item.id, item.correct_option_ids) for item in items]
    assert len(answers) == 2 and page.locator("fieldset").count() == 2
    for _, option_ids in answers:
        for option_id in option_ids:
            with page.expect_response(lambda r: r.url.endswith("/answers")) as saved:
                page.locator(f'input[value="{option_id}"]').check()
            assert saved.value.status == 200
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url(re.compile(rf"/attempts/{attempt_id}/result$"))
    expect(page.get_by_text("Your training is up to date")).to_be_visible()
    expect(page.get_by_role("link", name="Download certificate")).to_have_count(0)
    page.goto("/training")
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=TITLE))
    expect(card.get_by_text("Passed", exact=True)).to_be_visible()
    expect(card.get_by_role("button", name=re.compile("Start update quiz"))).to_have_count(0)


def test_the_dsl_sees_who_must_take_the_update(page: Any, live_server: LiveServer) -> None:
    owing = _passed_before_an_edition(live_server, "Update Matrix Safeguarding", last_name="Owes-Update")
    sign_in(page, live_server.add_person("dsl"))
    page.goto("/dsl/?status=update_required&q=owes-update")
    row = page.get_by_role("row").filter(has_text="Owes-Update")
    expect(row.get_by_text("Update required")).to_be_visible()
    check_accessibility(page, "the compliance matrix with an update required")
    page.goto(f"/dsl/people/{owing.id}")
    expect(page.get_by_role("main").get_by_text("Update required", exact=True)).to_be_visible()
