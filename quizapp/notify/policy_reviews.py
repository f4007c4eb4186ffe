"""E-mailing admins before a policy's review-by date (two months, one month, one week) and on it, once each."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Policy, PolicyReviewAlert, Role, User
from ..policies.reviews import alert_kind
from .bank_reviews import AlertSummary
from .mail import MailSettings, deliver, settings_for
from .messages import compose

SENT, FAILED = "sent", "failed"
SUBJECTS = {"two_months": "Policy review due in two months: {title}",
            "one_month": "Policy review due in one month: {title}",
            "one_week": "Policy review due in one week: {title}",
            "due": "Policy review due today: {title}"}
WHEN = {"two_months": "in two months", "one_month": "in one month", "one_week": "in one week", "due": "now"}


def _pending(session: Session, now: datetime) -> list[tuple[Policy, User, str, PolicyReviewAlert | None]]:
    """(policy, admin, kind, failed log row to retry) for each alert not yet sent: three queries in all."""
    policies = session.scalars(select(Policy).order_by(Policy.review_by, Policy.title)).all()
    admins = session.scalars(select(User).where(User.role == Role.ADMIN.value, User.active.is_(True))
                             .order_by(User.id)).all()
    logs = {(a.policy_id, a.user_id, a.kind, a.review_by): a for a in session.scalars(select(PolicyReviewAlert))}
    pending = []
    for policy in policies:
        kind = alert_kind(policy.review_by, now.date())
        if kind is None:
            continue
        for admin in admins:
            log = logs.get((policy.id, admin.id, kind, policy.review_by))
            if log is None or log.status == FAILED:
                pending.append((policy, admin, kind, log))
    return pending


def send_policy_review_alerts(session: Session, now: datetime,
                              mail: MailSettings | None = None) -> AlertSummary:
    """E-mail every active admin about policies coming up for review; flush only.

    Safe to run any number of times a day: each (policy, admin, kind, review date) is sent once, a day the job did
    not run is caught up with the latest alert only, and a failed one is retried on the next run.
    """
    pending = _pending(session, now)
    messages = [compose("policy_review", SUBJECTS[kind].format(title=policy.title), admin, policy=policy,
                        when=WHEN[kind]) for policy, admin, kind, _log in pending]
    results = deliver(mail or settings_for(current_app), messages)
    summary = AlertSummary(noun="policy review alert")
    for (policy, admin, kind, log), problem in zip(pending, results, strict=True):
        status = FAILED if problem else SENT
        if log is None:
            session.add(PolicyReviewAlert(policy_id=policy.id, user_id=admin.id, kind=kind,
                                          review_by=policy.review_by, status=status, sent_at=now))
        else:
            log.status, log.sent_at = status, now
        if problem:
            summary.failures.append((admin.email, problem))
        else:
            summary.sent += 1
    session.flush()
    return summary
