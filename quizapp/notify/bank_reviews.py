"""E-mailing admins a month before a bank's review_by date and on the day; each alert is logged, so it goes once."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import BankReviewAlert, QuestionBank, Role, User
from ..models.banks import REVIEW_NOTICE
from .outbox import queue_mail, related_ids

SENT, FAILED = "sent", "failed"
SUBJECTS = {"month_before": "Question bank review due by {day}: {title}",
            "due": "Question bank review due today: {title}"}


@dataclass
class AlertSummary:
    """What one run of review alerts (of banks, or of `noun`) sent."""

    sent: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    noun: str = "bank review alert"

    def describe(self) -> str:
        """One line for the CLI."""
        text = f"Queued {self.sent} {self.noun}{'' if self.sent == 1 else 's'}."
        return text + (f" {len(self.failures)} could not be sent." if self.failures else "")


def _day(bank: QuestionBank) -> str:
    return f"{bank.review_by.day} {bank.review_by:%B %Y}" if bank.review_by else ""


def _kind(bank: QuestionBank, now: datetime) -> str | None:
    # "On or after", not "exactly on": a day the job did not run is caught up the next day, once.
    if bank.review_by is None:
        return None
    if now.date() >= bank.review_by:
        return "due"
    return "month_before" if now.date() >= bank.review_by - REVIEW_NOTICE else None


def _pending(session: Session, now: datetime) -> list[tuple[QuestionBank, User, str, BankReviewAlert | None]]:
    """(bank, admin, kind, failed log row to retry) for each alert not yet sent: three queries in all."""
    banks = session.scalars(select(QuestionBank).where(QuestionBank.review_by.is_not(None))
                            .order_by(QuestionBank.title)).all()
    admins = session.scalars(select(User).where(User.role == Role.ADMIN.value, User.active.is_(True))
                             .order_by(User.id)).all()
    logs = {(a.bank_id, a.user_id, a.kind, a.review_by): a for a in session.scalars(select(BankReviewAlert))}
    pending = []
    for bank in banks:
        kind = _kind(bank, now)
        if kind is None or bank.review_by is None:
            continue
        for admin in admins:
            log = logs.get((bank.id, admin.id, kind, bank.review_by))
            if log is None or log.status == FAILED:
                pending.append((bank, admin, kind, log))
    return pending


def send_bank_review_alerts(session: Session, now: datetime) -> AlertSummary:
    """Queue an e-mail to every active admin about banks due for review (a month before, then on the day); flush only.

    Safe to run any number of times a day: each (bank, admin, kind, review date) is queued once; one that fails
    for good is marked failed by the worker and queued again on the next run.
    """
    summary = AlertSummary()
    for bank, admin, kind, log in _pending(session, now):
        if bank.review_by is None:
            continue
        if log is None:
            log = BankReviewAlert(bank_id=bank.id, user_id=admin.id, kind=kind, review_by=bank.review_by,
                                  status=SENT, sent_at=now)
            session.add(log)
        log.status, log.sent_at = SENT, now
        session.flush()
        problem = queue_mail(session, f"bank_review_{kind}", SUBJECTS[kind].format(day=_day(bank), title=bank.title),
                         admin, kind="bank_review", now=now, user_id=admin.id,
                         related=related_ids(bank_review_alert=[log]), bank=bank)
        if problem:
            summary.failures.append((admin.email, problem))
        else:
            summary.sent += 1
    session.flush()
    return summary
