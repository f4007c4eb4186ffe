"""E-mailing admins before a policy's review-by date (two months, one month, one week) and on it, once each."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Policy, PolicyReviewAlert, Role, User
from ..policies.reviews import alert_kind
from .bank_reviews import AlertSummary
from .outbox import queue_mail, related_ids

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


def send_policy_review_alerts(session: Session, now: datetime) -> AlertSummary:
    """Queue an e-mail to every active admin about policies coming up for review; flush only.

    Safe to run any number of times a day: each (policy, admin, kind, review date) is queued once, a day the job
    did not run is caught up with the latest alert only, and one that fails for good is queued again next run.
    """
    summary = AlertSummary(noun="policy review alert")
    for policy, admin, kind, log in _pending(session, now):
        if log is None:
            log = PolicyReviewAlert(policy_id=policy.id, user_id=admin.id, kind=kind, review_by=policy.review_by,
                                    status=SENT, sent_at=now)
            session.add(log)
        log.status, log.sent_at = SENT, now
        session.flush()
        problem = queue_mail(session, "policy_review", SUBJECTS[kind].format(title=policy.title), admin,
                         kind="policy_review", now=now, user_id=admin.id,
                         related=related_ids(policy_review_alert=[log]), policy=policy, when=WHEN[kind])
        if problem:
            summary.failures.append((admin.email, problem))
        else:
            summary.sent += 1
    session.flush()
    return summary
