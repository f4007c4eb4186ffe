"""Policy review-by dates: shown on the Policies screen; admins alerted 2 months, 1 month, 1 week before and on it."""
from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEvent, OutboxMessage, Policy, PolicyReviewAlert, User
from quizapp.notify.policy_reviews import send_policy_review_alerts

from ..clock import Clock
from ..conftest import sign_in
from ..factories import make_user
from ..smtp import Inbox, use_smtp
from .policy_helpers import publish_markdown

REVIEW_BY = date(2027, 3, 31)


def _policy(app: Flask, people: dict, review_by: date = REVIEW_BY) -> int:
    with app.app_context():
        policy = publish_markdown(db.session, db.session.get(User, people["admin"]), review_by=review_by)
        db.session.commit()
        return policy.id


def test_alerts_go_at_each_notice_and_on_the_day_once_each(app: Flask, people: dict, smtp_inbox: Inbox) -> None:
    use_smtp(app, smtp_inbox)
    _policy(app, people)
    with app.app_context():
        make_user(db.session, "admin", active=False)
        db.session.commit()

    def run(day: date) -> int:
        with app.app_context():
            moment = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
            app.config["CLOCK"] = lambda: moment  # the sender runs at commit (immediate queue) on the same clock
            summary = send_policy_review_alerts(db.session, moment)
            db.session.commit()
            return summary.sent

    assert run(date(2027, 1, 28)) == 0
    assert run(date(2027, 1, 29)) == 1 and run(date(2027, 1, 29)) == 0  # 61 days before; twice in a day: once
    assert run(date(2027, 3, 1)) == 1 and run(date(2027, 3, 20)) == 0
    assert run(date(2027, 3, 24)) == 1
    assert run(date(2027, 3, 31)) == 1 and run(date(2027, 4, 10)) == 0
    mails = smtp_inbox.to(people["admin_email"])
    assert [m["Subject"] for m in mails] == [
        "Policy review due in two months: Child protection policy",
        "Policy review due in one month: Child protection policy",
        "Policy review due in one week: Child protection policy",
        "Policy review due today: Child protection policy"]
    assert "its review-by date is 31 March 2027" in Inbox.text(mails[0])
    assert len(smtp_inbox.messages) == 4  # the inactive admin and other roles get nothing
    with app.app_context():
        kinds = db.session.scalars(select(PolicyReviewAlert.kind).order_by(PolicyReviewAlert.id)).all()
        assert kinds == ["two_months", "one_month", "one_week", "due"]


def test_cli_review_alerts_retries_a_failed_send(app: Flask, people: dict, smtp_inbox: Inbox, clock: Clock) -> None:
    use_smtp(app, smtp_inbox)
    _policy(app, people, review_by=date(2026, 12, 1))  # eight days after the clock's day: the one-month alert
    smtp_inbox.reject[people["admin_email"]] = "550 5.1.1 Mailbox unavailable"
    failed = app.test_cli_runner().invoke(args=["policies", "review-alerts"])
    assert failed.exit_code == 0  # queued; the sender is refused for good, so the alert is marked failed
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.last_error)) == "refused: 550 5.1.1 Mailbox unavailable"
    smtp_inbox.reject.clear()
    sent = app.test_cli_runner().invoke(args=["policies", "review-alerts"])
    assert sent.exit_code == 0 and "Queued 1 policy review alert." in sent.output
    again = app.test_cli_runner().invoke(args=["policies", "review-alerts"])
    assert "Queued 0 policy review alerts." in again.output
    [mail] = smtp_inbox.to(people["admin_email"])
    assert mail["Subject"] == "Policy review due in one month: Child protection policy"


def test_the_policies_screen_lists_reviews_due_and_a_new_date_clears_it(app: Flask, client: FlaskClient,
                                                                        people: dict, clock: Clock) -> None:
    policy_id = _policy(app, people, review_by=date(2026, 12, 20))
    sign_in(client, people["admin_email"])
    html = client.get("/admin/policies").get_data(as_text=True)
    assert "Due for review" in html and "Review due</span> by 20 December 2026" in html
    with app.app_context():
        support = db.session.scalar(select(User.staff_group_id).where(User.id == people["staff"]))
    data = {"title": "Child protection policy", "owner": "Headteacher", "audience": "groups", "groups": [support],
            "days_to_acknowledge": "10", "review_by": "2027-11-30"}
    assert client.post(f"/admin/policies/{policy_id}/edit", data=data).status_code == 302
    assert "Due for review" not in client.get("/admin/policies").get_data(as_text=True)
    with app.app_context():
        policy = db.session.get(Policy, policy_id)
        assert (policy.all_staff, [g.id for g in policy.required_for], policy.days_to_acknowledge) == (
            False, [support], 10)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "policy.update"))
        assert event.details["review_by"] == "2027-11-30"
