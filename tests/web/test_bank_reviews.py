"""Banks that know when they are out of date: review dates kept on import, shown to admins and staff, and alerts."""
from datetime import UTC, date, datetime
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import BankReviewAlert, OutboxMessage, QuestionBank
from quizapp.models.banks import review_state
from quizapp.notify.bank_reviews import send_bank_review_alerts

from ..clock import Clock
from ..conftest import sign_in
from ..factories import make_course, make_user
from ..smtp import Inbox, use_smtp

SHIPPED = Path(__file__).resolve().parents[2] / "question_banks"


def _bank_with_review(app: Flask, review_by: date, reviewed_on: date = date(2026, 6, 1)) -> tuple[int, str]:
    with app.app_context():
        course = make_course(db.session)
        bank = course.banks[0].bank
        bank.reviewed_on, bank.review_by = reviewed_on, review_by
        db.session.commit()
        return course.id, bank.title


def test_review_state_is_due_a_month_before_and_overdue_from_the_day() -> None:
    by = date(2027, 1, 31)
    assert review_state(None, date(2027, 1, 1)) is None
    assert review_state(by, date(2026, 12, 31)) is None
    assert review_state(by, date(2027, 1, 1)) == "due"
    assert review_state(by, date(2027, 1, 30)) == "due"
    assert review_state(by, by) == "overdue"


def test_import_keeps_review_dates_notes_and_source_dates(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["banks", "import", str(SHIPPED / "dbs-filtering.yaml")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == "dbs-filtering"))
        assert bank is not None
        assert (bank.reviewed_on, bank.review_by) == (date(2026, 12, 2), date(2027, 6, 1))
        assert isinstance(bank.as_of_notes, dict)
        assert any(source.get("published") for source in bank.sources)


def test_banks_screen_lists_due_and_overdue_reviews(app: Flask, client: FlaskClient, people: dict,
                                                    clock: Clock) -> None:
    _, overdue_title = _bank_with_review(app, date(2026, 11, 1))
    _, due_title = _bank_with_review(app, date(2026, 12, 10))
    _, fine_title = _bank_with_review(app, date(2027, 6, 1))
    sign_in(client, people["admin_email"])
    page = client.get("/admin/banks").get_data(as_text=True)
    assert "Reviews due" in page
    assert f"<strong>Overdue:</strong> {overdue_title} should have been reviewed by 1 November 2026" in page
    assert f"<strong>Due soon:</strong> {due_title} must be reviewed by 10 December 2026" in page
    assert f"{fine_title} must be reviewed" not in page and f"{fine_title} should" not in page
    clock.now = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    assert "Reviews due" not in client.get("/admin/banks").get_data(as_text=True)


def test_learning_page_says_when_content_was_checked(app: Flask, client: FlaskClient, people: dict) -> None:
    course_id, _ = _bank_with_review(app, date(2027, 6, 1), reviewed_on=date(2026, 12, 2))
    sign_in(client, people["staff_email"])
    page = client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "Content checked on 2 December 2026." in page


def test_alerts_go_a_month_before_and_on_the_day_once_each(app: Flask, people: dict, smtp_inbox: Inbox) -> None:
    use_smtp(app, smtp_inbox)
    _, title = _bank_with_review(app, date(2027, 1, 31))
    with app.app_context():
        make_user(db.session, "admin", active=False)
        db.session.commit()

    def run(day: date) -> int:
        with app.app_context():
            moment = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
            app.config["CLOCK"] = lambda: moment  # the sender runs at commit (immediate queue) on the same clock
            summary = send_bank_review_alerts(db.session, moment)
            db.session.commit()
            return summary.sent

    assert run(date(2026, 12, 31)) == 0
    assert run(date(2027, 1, 1)) == 1 and run(date(2027, 1, 1)) == 0  # twice on one day: once
    assert run(date(2027, 1, 15)) == 0
    assert run(date(2027, 1, 31)) == 1 and run(date(2027, 2, 1)) == 0
    mails = smtp_inbox.to(people["admin_email"])
    assert [m["Subject"] for m in mails] == [f"Question bank review due by 31 January 2027: {title}",
                                             f"Question bank review due today: {title}"]
    assert "must be checked against its sources by 31 January 2027" in Inbox.text(mails[0])
    assert "last checked on 1 June 2026" in Inbox.text(mails[0])
    assert len(smtp_inbox.messages) == 2  # the inactive admin and other roles get nothing
    with app.app_context():
        kinds = db.session.scalars(select(BankReviewAlert.kind).order_by(BankReviewAlert.id)).all()
        assert kinds == ["month_before", "due"]


def test_cli_review_alerts_retries_a_failed_send(app: Flask, people: dict, smtp_inbox: Inbox,
                                                 clock: Clock) -> None:
    use_smtp(app, smtp_inbox)
    _bank_with_review(app, date(2026, 12, 1))
    smtp_inbox.reject[people["admin_email"]] = "550 5.1.1 Mailbox unavailable"
    failed = app.test_cli_runner().invoke(args=["banks", "review-alerts"])
    assert failed.exit_code == 0  # queued; the sender is refused for good, so the alert is marked failed
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.last_error)) == "refused: 550 5.1.1 Mailbox unavailable"
    smtp_inbox.reject.clear()
    sent = app.test_cli_runner().invoke(args=["banks", "review-alerts"])
    assert sent.exit_code == 0 and "Queued 1 bank review alert." in sent.output
    again = app.test_cli_runner().invoke(args=["banks", "review-alerts"])
    assert "Queued 0 bank review alerts." in again.output
    assert len(smtp_inbox.to(people["admin_email"])) == 1
