"""Policies in the reminders: who has a policy due or overdue, and which were reminded within the week."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import PolicyReminderLog, School, User
from ..policies.standing import PolicyStatus, grid, load_book

DUE = (PolicyStatus.DUE, PolicyStatus.OVERDUE)
_AHEAD = timedelta(seconds=1)  # acknowledgements made this very second count


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True)
class DuePolicy:
    """A policy a person must still acknowledge."""

    policy_id: int
    title: str
    status: PolicyStatus
    due_by: date | None

    def describe(self) -> str:
        """Plain words for the status, such as "overdue: it was due by 1 November 2026"."""
        if self.status is PolicyStatus.OVERDUE and self.due_by:
            return f"overdue: it was due to be read and acknowledged by {_day(self.due_by)}"
        return f"read and acknowledge it by {_day(self.due_by)}" if self.due_by else "read and acknowledge it"


@dataclass(frozen=True)
class Reader:
    """An active person, as the reminders need them."""

    user_id: int
    email: str
    first_name: str
    last_name: str
    school_id: int | None
    school_name: str | None


def due_policies(session: Session, now: datetime, school_id: int | None = None
                 ) -> list[tuple[Reader, list[DuePolicy]]]:
    """Active people with policies due or overdue, by name: five queries whatever the head count."""
    book = load_book(session)
    if not book.columns:
        return []
    query = (select(User.id, User.email, User.first_name, User.last_name, User.school_id, School.name,
                    User.staff_group_id).outerjoin(School, School.id == User.school_id)
             .where(User.active.is_(True)).order_by(User.last_name, User.first_name, User.id))
    if school_id is not None:
        query = query.where(User.school_id == school_id)
    people = session.execute(query).all()
    cells = grid(session, book, [(p.id, p.staff_group_id) for p in people], now.date(), now + _AHEAD,
                 everyone=school_id is None)
    titles = {policy.id: policy.title for policy in book.columns}
    found = []
    for uid, email, first, last, sid, school, _group in people:
        due = [DuePolicy(c.policy_id, titles[c.policy_id], c.status, c.due_by) for c in cells.get(uid, ())
               if c.status in DUE]
        if due:
            found.append((Reader(uid, email, first, last, sid, school), due))
    return found


def recently_reminded(session: Session, now: datetime, within: timedelta) -> set[tuple[int, int]]:
    """(user_id, policy_id) reminded successfully within the period."""
    return {(uid, pid) for uid, pid in session.execute(
        select(PolicyReminderLog.user_id, PolicyReminderLog.policy_id).where(
            PolicyReminderLog.status == "sent", PolicyReminderLog.sent_at > now - within))}


def policy_logs(user_id: int, policies: list[DuePolicy], status: str, now: datetime) -> list[PolicyReminderLog]:
    """The log rows for one person's reminder about these policies."""
    return [PolicyReminderLog(user_id=user_id, policy_id=p.policy_id, status=status, sent_at=now) for p in policies]
