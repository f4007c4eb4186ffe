"""Reminders: who is due, one e-mail per person, the 7-day throttle, dry run, DSL digests and the DSL page."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from quizapp.extensions import db
from quizapp.models import Attempt, Certificate, Course, CourseRequirement, OutboxMessage, ReminderLog, User
from quizapp.notify.reminders import plan_reminders

from ..clock import Clock
from ..conftest import build_app, sign_in
from ..factories import get_or_create_group, make_course, make_user
from ..smtp import Inbox, use_smtp

TODAY = date(2026, 11, 23)


def certify(session: Session, user: User, course: Course, valid_until: date) -> None:
    """A passed attempt and its certificate, valid until the given day."""
    start = datetime(2025, 1, 1, 9, tzinfo=Clock().now.tzinfo)
    attempt = Attempt(user_id=user.id, course_id=course.id, state="finished", started_at=start,
                      deadline_at=start + timedelta(minutes=10), time_limit_seconds=600, pass_mark_pct=80,
                      score_pct=100, passed=True)
    session.add(attempt)
    session.flush()
    session.add(Certificate(number=f"QZ-{secrets.token_hex(4)}", code=secrets.token_urlsafe(24),
                            attempt_id=attempt.id, user_id=user.id, course_id=course.id, issued_at=start,
                            valid_until=valid_until, holder_name=user.full_name, course_title=course.title,
                            edition="2026", score_pct=100, pdf_sha256="0" * 64))


@pytest.fixture()
def cast(app: Flask, smtp_inbox: Inbox) -> dict:
    """Two required courses for teaching staff in two schools, in every state, and the SMTP test server."""
    use_smtp(app, smtp_inbox)
    app.config["CLOCK"] = Clock()
    with app.app_context():
        s = db.session
        first = make_course(s, title="Child protection")
        second = make_course(s, title="Online safety")
        optional = make_course(s, title="Optional extra")
        teaching = get_or_create_group(s, "Teaching staff")
        s.add_all([CourseRequirement(course_id=c.id, staff_group_id=teaching.id) for c in (first, second)])
        people = {
            "compliant": make_user(s, first_name="Compliant"), "due": make_user(s, first_name="Duesoon"),
            "expired": make_user(s, first_name="Expired"), "fresh": make_user(s, first_name="Fresh"),
            "leaver": make_user(s, first_name="Leaver", active=False),
            "ungrouped": make_user(s, first_name="Ungrouped", group=None),
            "far": make_user(s, first_name="Faraway", school="School B"),
            "dsl": make_user(s, "dsl", first_name="Dana", group="Safeguarding team"),
            "far_dsl": make_user(s, "dsl", first_name="Farah", school="School B", group="Safeguarding team"),
            "admin": make_user(s, "admin", first_name="Alex", group=None),
            "staff_only": make_user(s, "staff", first_name="Other", group=None),
        }
        for course in (first, second):
            certify(s, people["compliant"], course, TODAY + timedelta(days=200))
            certify(s, people["far"], course, TODAY + timedelta(days=200))
        certify(s, people["due"], first, TODAY + timedelta(days=10))
        certify(s, people["due"], second, TODAY + timedelta(days=100))
        certify(s, people["expired"], first, TODAY - timedelta(days=1))
        certify(s, people["expired"], second, TODAY - timedelta(days=400))
        certify(s, people["far"], second, TODAY - timedelta(days=5))  # an older one does not matter
        s.commit()
        ids = {key: user.id for key, user in people.items()} | {f"{k}_email": u.email for k, u in people.items()}
        return ids | {"courses": [first.id, second.id], "optional": optional.id, "inbox": smtp_inbox}


def _run(app: Flask, *extra: str):
    return app.test_cli_runner().invoke(args=["reminders", "send", *extra])


def _logs(app: Flask) -> list[tuple[int, int | None, str, str]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(select(
            ReminderLog.user_id, ReminderLog.course_id, ReminderLog.kind, ReminderLog.status).order_by(ReminderLog.id))]


def test_cli_reminds_each_due_person_once_listing_their_courses(app: Flask, cast: dict) -> None:
    inbox: Inbox = cast["inbox"]
    result = _run(app)
    assert result.exit_code == 0, result.output
    assert "Queued 3 reminders covering 5 courses and 1 DSL digest; 0 skipped" in result.output
    reminded = sorted(r[0] for r in inbox.recipients)
    assert reminded == sorted([cast["due_email"], cast["expired_email"], cast["fresh_email"], cast["dsl_email"]])
    due = Inbox.text(inbox.to(cast["due_email"])[0])
    assert "Child protection: due soon: your certificate runs out on 3 December 2026" in due
    assert "Online safety" not in due
    expired = Inbox.text(inbox.to(cast["expired_email"])[0])
    assert "Child protection: expired on 22 November 2026" in expired and "Online safety: expired on" in expired
    fresh = Inbox.text(inbox.to(cast["fresh_email"])[0])
    assert "Child protection: not started" in fresh and "Online safety: not started" in fresh
    assert "Sign in to take it: http://127.0.0.1:5000/sign-in" in fresh  # no request: the default base address
    learner_logs = [log for log in _logs(app) if log[2] == "learner"]
    assert len(learner_logs) == 5 and {log[3] for log in learner_logs} == {"sent"}


def test_dsl_digest_lists_only_their_school(app: Flask, cast: dict) -> None:
    inbox: Inbox = cast["inbox"]
    _run(app)
    digest = inbox.to(cast["dsl_email"])
    assert len(digest) == 1 and "School A" in digest[0]["Subject"]
    text = Inbox.text(digest[0])
    assert "3 people need to act" in text and "Duesoon" in text and "Fresh" in text and "Expired" in text
    assert "Faraway" not in text and "Compliant" not in text and "Leaver" not in text
    assert inbox.to(cast["far_dsl_email"]) == []  # nobody due at School B
    assert (cast["dsl"], None, "dsl_digest", "sent") in _logs(app)


def test_seven_day_throttle_per_person_and_course(app: Flask, cast: dict) -> None:
    inbox: Inbox = cast["inbox"]
    _run(app)
    sent = len(inbox.messages)
    again = _run(app)
    assert "Queued 0 reminders covering 0 courses and 0 DSL digests; 5 skipped" in again.output
    assert len(inbox.messages) == sent
    with app.app_context():  # a newly required course is reminded at once, the others still wait
        newly = make_course(db.session, title="New policy")
        db.session.add(CourseRequirement(course_id=newly.id, staff_group_id=get_or_create_group(
            db.session, "Teaching staff").id))
        db.session.commit()
    app.config["CLOCK"].advance(days=6, hours=23)
    partial = _run(app)
    assert "Queued 5 reminders covering 5 courses and 1 DSL digest; 5 skipped" in partial.output
    assert "New policy" in Inbox.text(inbox.to(cast["fresh_email"])[-1])
    assert "Child protection" not in Inbox.text(inbox.to(cast["fresh_email"])[-1])
    app.config["CLOCK"].advance(hours=2)
    later = _run(app)
    assert "Queued 3 reminders covering 5 courses and 1 DSL digest; 5 skipped" in later.output


def test_dry_run_sends_and_logs_nothing(app: Flask, cast: dict) -> None:
    result = _run(app, "--dry-run")
    assert result.exit_code == 0
    assert "Would send 3 reminders covering 5 courses and 1 DSL digest" in result.output
    assert cast["fresh_email"] in result.output and "DSL digest to " + cast["dsl_email"] in result.output
    assert cast["inbox"].messages == [] and _logs(app) == []


def test_without_mail_host_reminders_go_to_the_outbox(app: Flask, cast: dict) -> None:
    app.config["MAIL_HOST"] = None
    _run(app)
    assert len(list((Path(app.instance_path) / "outbox").glob("*.eml"))) == 4


def _outbox(app: Flask) -> dict[str, tuple[str, int, str | None]]:
    with app.app_context():
        return {row.recipient: (row.state, row.attempts, row.last_error)
                for row in db.session.scalars(select(OutboxMessage))}


def test_permanent_refusal_is_failed_with_the_reason_and_queued_again_next_run(app: Flask, cast: dict) -> None:
    inbox: Inbox = cast["inbox"]
    inbox.reject[cast["fresh_email"]] = "550 5.1.1 No such mailbox here"
    assert _run(app).exit_code == 0
    state, attempts, reason = _outbox(app)[cast["fresh_email"]]
    assert (state, attempts) == ("failed", 1) and "550 5.1.1 No such mailbox here" in (reason or "")
    statuses = {(log[0], log[3]) for log in _logs(app) if log[2] == "learner"}
    assert (cast["fresh"], "failed") in statuses and (cast["due"], "sent") in statuses
    inbox.reject.clear()
    assert "Queued 1 reminder covering 2 courses" in _run(app).output
    assert len(inbox.to(cast["fresh_email"])) == 1


def test_unreachable_server_keeps_the_messages_waiting_to_retry(app: Flask, cast: dict) -> None:
    from ..smtp import free_port

    app.config["MAIL_PORT"] = free_port()
    assert _run(app).exit_code == 0
    rows = _outbox(app)
    assert {state for state, _n, _r in rows.values()} == {"pending"} and len(rows) == 4
    assert all(n == 1 and "could not reach the mail server" in (r or "") for _s, n, r in rows.values())
    assert {log[3] for log in _logs(app)} == {"sent"}  # queued: the weekly throttle holds while they wait
    assert "Queued 0 reminders" in _run(app).output


def test_plan_uses_a_fixed_number_of_queries(app: Flask, cast: dict) -> None:
    def count_queries(extra_people: int) -> int:
        with app.app_context():
            for _ in range(extra_people):
                make_user(db.session)
            db.session.commit()
            statements: list[str] = []
            engine = db.engine
            listener = lambda *args: statements.append(args[2])  # noqa: E731 (a listener kept to remove it again)
            event.listen(engine, "before_cursor_execute", listener)
            try:
                plan = plan_reminders(db.session, Clock()(), 30)
            finally:
                event.remove(engine, "before_cursor_execute", listener)
            assert plan.learners
            return len(statements)

    assert count_queries(0) == count_queries(25)


def test_dsl_page_shows_own_school_and_sends_after_confirmation(app: Flask, client: FlaskClient, cast: dict) -> None:
    sign_in(client, cast["dsl_email"])
    page = client.get("/dsl/reminders/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "3 people would be reminded" in html and ">Send reminders now</button>" in html
    assert "Faraway" not in html and html.count("<h1") == 1
    assert "Faraway" not in client.get("/dsl/reminders/?school=999").get_data(as_text=True)
    response = client.post("/dsl/reminders/", data={"school": "2"}, follow_redirects=True)
    progress = response.get_data(as_text=True)
    assert response.request.path.startswith("/dsl/reminders/runs/") and "All done." in progress
    assert '<span data-count="sent">3</span> sent' in progress and '<span data-count="total">3</span>' in progress
    assert sorted(r[0] for r in cast["inbox"].recipients) == sorted(
        [cast["due_email"], cast["expired_email"], cast["fresh_email"]])
    assert "Nobody needs a reminder just now." in client.get("/dsl/reminders/").get_data(as_text=True)


def test_admin_sees_every_school_and_can_narrow(app: Flask, client: FlaskClient, cast: dict) -> None:
    with app.app_context():
        far = db.session.get(User, cast["far"])
        certify(db.session, far, db.session.get(Course, cast["courses"][0]), TODAY - timedelta(days=3))
        db.session.execute(Certificate.__table__.delete().where(
            Certificate.user_id == far.id, Certificate.valid_until > TODAY))
        db.session.commit()
        school_b = far.school_id
    sign_in(client, cast["admin_email"])
    assert "4 people would be reminded" in client.get("/dsl/reminders/").get_data(as_text=True)
    narrowed = client.get(f"/dsl/reminders/?school={school_b}").get_data(as_text=True)
    assert "1 person would be reminded" in narrowed and "Faraway" in narrowed
    assert client.get("/dsl/reminders/?school=9999").status_code == 404


def test_staff_cannot_see_or_send_reminders(client: FlaskClient, cast: dict) -> None:
    sign_in(client, cast["fresh_email"])
    assert client.get("/dsl/reminders/").status_code == 403
    assert client.post("/dsl/reminders/").status_code == 403
    assert cast["inbox"].messages == []


def test_dsl_without_a_school_cannot_send(app: Flask, client: FlaskClient, cast: dict) -> None:
    with app.app_context():
        lone = make_user(db.session, "dsl", school=None)
        db.session.commit()
        email = lone.email
    sign_in(client, email)
    assert "You are not linked to a school yet" in client.get("/dsl/reminders/").get_data(as_text=True)
    assert client.post("/dsl/reminders/").status_code == 403


def test_send_needs_the_csrf_token(database_url: str, tmp_path: Path, cast: dict) -> None:
    app = build_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    sign_in_page = client.get("/sign-in").get_data(as_text=True)
    token = sign_in_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/sign-in", data={"email": cast["dsl_email"], "password": "correct horse battery",
                                  "csrf_token": token})
    assert client.post("/dsl/reminders/").status_code == 400
    assert cast["inbox"].messages == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReminderLog)) == 0


def test_one_unbuildable_message_is_marked_failed_and_the_rest_go_out(app: Flask, cast: dict) -> None:
    """A name with a line break (stored before names were checked) breaks its own message only."""
    with app.app_context():
        db.session.get(User, cast["due"]).first_name = "Due\nBcc: someone@evil.example"
        db.session.commit()
    result = _run(app)
    assert result.exit_code == 1 and "1 could not be sent" in result.output, result.output
    assert _outbox(app)[cast["due_email"]][0] == "failed"
    reminded = sorted(r[0] for r in cast["inbox"].recipients)
    assert reminded == sorted([cast["expired_email"], cast["fresh_email"], cast["dsl_email"]])
    statuses = {(log[0], log[3]) for log in _logs(app) if log[2] == "learner"}
    assert (cast["due"], "failed") in statuses and (cast["fresh"], "sent") in statuses
    assert all(m["Bcc"] is None for m in cast["inbox"].messages)
