"""The periodic tasks: daily jobs once a day at the UK hour whoever fires them, and the every-minute sweep."""
from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizapp.extensions import db
from quizapp.jobs.daily import DAILY, due_today, run_daily
from quizapp.jobs.queue import get_huey
from quizapp.jobs.tasks import every_minute
from quizapp.models import Attempt, JobRun, OutboxMessage, User

from ..factories import make_course, make_user
from ..smtp import Inbox, use_smtp

WINTER_7AM = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)  # 07:00 in London (GMT)


def test_daily_jobs_wait_for_the_uk_hour_in_summer_and_winter(app: Flask) -> None:
    app.config["REMINDER_HOUR"] = 7
    assert due_today(app, datetime(2026, 12, 3, 6, 59, tzinfo=UTC)) is None
    assert due_today(app, WINTER_7AM) == "2026-12-03"
    assert due_today(app, datetime(2026, 7, 1, 6, 0, tzinfo=UTC)) == "2026-07-01"  # 07:00 BST
    assert due_today(app, datetime(2026, 7, 1, 5, 59, tzinfo=UTC)) is None


def test_each_daily_job_runs_once_a_day_and_a_failure_is_tried_again(app: Flask) -> None:
    calls: list[str] = []

    def counted(_session: Session, _now: datetime) -> str:
        calls.append("counted")
        return "did it"

    def broken(_session: Session, _now: datetime) -> str:
        raise RuntimeError("relay on fire")

    jobs = {"counted": counted, "broken": broken}
    with app.app_context():
        first = run_daily(app, WINTER_7AM, jobs)
        assert first == {"counted": "did it", "broken": "failed: relay on fire"}
        assert run_daily(app, WINTER_7AM.replace(hour=9), jobs)["counted"].startswith("already run today")
        assert calls == ["counted"]
        assert db.session.scalars(select(JobRun.name)).all() == ["counted"]  # the broken one may run again
        assert run_daily(app, WINTER_7AM.replace(day=4), jobs)["counted"] == "did it"
    assert set(DAILY) >= {"reminders", "review alerts"}


def test_two_consumers_firing_the_daily_jobs_together_run_them_once(app: Flask) -> None:
    calls: list[int] = []

    def slow(_session: Session, _now: datetime) -> str:
        calls.append(1)
        time.sleep(0.3)
        return "done"

    results: list[dict[str, str]] = []

    def fire() -> None:
        with app.app_context():
            results.append(run_daily(app, WINTER_7AM, {"slow": slow}))

    threads = [threading.Thread(target=fire) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and sorted(r["slow"][:4] for r in results) == ["alre", "done"]


def test_daily_reminders_are_queued_and_sent(app: Flask, smtp_inbox: Inbox) -> None:
    use_smtp(app, smtp_inbox)
    app.config["CLOCK"] = lambda: WINTER_7AM
    with app.app_context():
        from quizapp.models import CourseRequirement

        from ..factories import get_or_create_group

        course = make_course(db.session, title="Child protection")
        db.session.add(CourseRequirement(course_id=course.id,
                                         staff_group_id=get_or_create_group(db.session, "Teaching staff").id))
        person = make_user(db.session)
        db.session.commit()
        outcome = run_daily(app, WINTER_7AM, {"reminders": DAILY["reminders"]})
        assert outcome["reminders"].startswith("Queued 1 reminder covering 1 course")
    assert [r[0] for r in smtp_inbox.recipients] == [person.email]


def test_every_minute_closes_expired_attempts_and_wakes_waiting_mail(app: Flask, smtp_inbox: Inbox) -> None:
    use_smtp(app, smtp_inbox)
    with app.app_context():
        s = db.session
        course, person = make_course(s), make_user(s)
        started = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
        s.add(Attempt(user_id=person.id, course_id=course.id, started_at=started, deadline_at=started.replace(
            minute=10), state="in_progress", time_limit_seconds=600, pass_mark_pct=80))
        # A message whose wake-up was lost (the queue was down when its transaction committed).
        s.add(OutboxMessage(kind="reminder", recipient=person.email, recipient_name="Sam", subject="Hello",
                            text_body="Hi", related={}, state="pending", attempts=0, not_before=started,
                            created_at=started))
        s.commit()
        person_id = person.id
    app.config["CLOCK"] = lambda: datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    every_minute(app, get_huey(app))  # the queue is immediate here, so the woken sender runs at once
    every_minute(app, get_huey(app))  # twice (two consumers) changes nothing more
    with app.app_context():
        assert db.session.scalar(select(Attempt.state).where(Attempt.user_id == person_id)) == "finished"
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.state == "sent")) == 1
        assert db.session.get(User, person_id) is not None
    assert len(smtp_inbox.messages) == 1


def test_tidying_deletes_old_finished_messages_only(app: Flask) -> None:
    from datetime import timedelta

    from quizapp.jobs.daily import tidy_outbox

    with app.app_context():
        s = db.session
        old, recent = WINTER_7AM - timedelta(days=91), WINTER_7AM - timedelta(days=89)
        for state, when in (("sent", old), ("failed", old), ("pending", old), ("sent", recent)):
            s.add(OutboxMessage(kind="reminder", recipient=f"{state}@example.org", recipient_name="", subject="S",
                                text_body="", related={}, state=state, attempts=1, not_before=when, created_at=when))
        s.commit()
        assert tidy_outbox(s, WINTER_7AM) == "Deleted 2 messages older than 90 days."
        s.commit()
        left = sorted((m.state, m.created_at == recent) for m in s.scalars(select(OutboxMessage)))
        assert left == [("pending", False), ("sent", True)]  # waiting mail is never dropped
