"""The reminders progress page in the browser: it follows the outbox by itself until nothing is waiting."""
from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from quizapp.jobs.queue import get_huey
from quizapp.jobs.tasks import send_outbox
from quizapp.models import CourseRequirement, OutboxMessage

from ..factories import get_or_create_group
from .conftest import LiveServer, check_accessibility, sign_in

pytestmark = pytest.mark.e2e


def test_progress_updates_itself_as_the_worker_sends(page: Any, live_server: LiveServer) -> None:
    school, group = f"School {uuid.uuid4().hex[:6]}", f"Group {uuid.uuid4().hex[:6]}"
    course_id = live_server.add_course(title="Child protection")
    with live_server.session() as session:
        session.add(CourseRequirement(course_id=course_id, staff_group_id=get_or_create_group(session, group).id))
        session.commit()
    staff = {live_server.add_person(school=school, group=group).email for _ in range(3)}
    dsl = live_server.add_person("dsl", school=school, group=None)
    sign_in(page, dsl)
    page.goto("/dsl/reminders/")
    page.get_by_role("button", name="Send reminders now").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("waiting")
    # Other browser tests share this server: a policy they published for all staff is due from this DSL too.
    with live_server.session() as session:
        batch = session.scalar(select(func.max(OutboxMessage.batch_id)))
        recipients = set(session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.batch_id == batch)))
    assert staff <= recipients and recipients <= staff | {dsl.email}
    total = len(recipients)
    assert f"0 sent, {total} waiting and 0 failed, out of {total}." in " ".join(status.inner_text().split())
    check_accessibility(page, "reminders progress, still sending")
    # The server's queue has no worker here: send the outbox in this process, as the worker's task would.
    send_outbox(live_server.app, get_huey(live_server.app))
    expect(page.locator("[data-done]")).to_have_text("All done.", timeout=15000)  # no reload: the script
    assert f"{total} sent, 0 waiting and 0 failed, out of {total}." in " ".join(status.inner_text().split())
    assert page.locator("#progress-bar").get_attribute("value") == str(total)
