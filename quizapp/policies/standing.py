"""Where each person stands on each policy they must read, as a pure function of dates and version numbers.

A version counts from its effective date. Acknowledging a version counts for it and for every later minor
version; a material version starts again. The deadline is the days to acknowledge after the version that
started the current round took effect, or after the person joined, whichever is later.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..models import Policy, PolicyAcknowledgement, PolicyRequirement, PolicyVersion, User


class PolicyStatus(enum.StrEnum):
    """Where a person stands on a policy."""

    ACKNOWLEDGED = "acknowledged"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_YET = "not_yet"  # no version in effect yet: nothing to read
    NOT_REQUIRED = "not_required"


LABELS = {PolicyStatus.ACKNOWLEDGED: "Acknowledged", PolicyStatus.DUE: "Due", PolicyStatus.OVERDUE: "Overdue",
          PolicyStatus.NOT_YET: "Not yet", PolicyStatus.NOT_REQUIRED: "Not required"}
TAGS = {PolicyStatus.ACKNOWLEDGED: "ok", PolicyStatus.DUE: "warn", PolicyStatus.OVERDUE: "bad",
        PolicyStatus.NOT_YET: "none", PolicyStatus.NOT_REQUIRED: "none"}


@dataclass(frozen=True)
class PolicyCell:
    """One person's standing on one policy."""

    policy_id: int
    status: PolicyStatus
    due_by: date | None
    acknowledged_at: datetime | None

    @property
    def label(self) -> str:
        """"Acknowledged", "Overdue" and so on."""
        return LABELS[self.status]

    @property
    def tag(self) -> str:
        """The colour class suffix (ok, warn, bad, none)."""
        return TAGS[self.status]

    @property
    def date_shown(self) -> date | None:
        """The date behind the status: the deadline while due or overdue, else the day it was acknowledged."""
        if self.due_by is not None:
            return self.due_by
        if self.status is PolicyStatus.ACKNOWLEDGED and self.acknowledged_at is not None:
            return self.acknowledged_at.date()
        return None


@dataclass(frozen=True)
class Acknowledged:
    """The highest version number a person acknowledged of a policy, and when they last acknowledged it."""

    number: int
    at: datetime


def in_effect(policy: Policy, day: date, cutoff: datetime | None = None) -> PolicyVersion | None:
    """The latest version published (by the cutoff) whose effective date has come by the day."""
    live = [v for v in policy.versions if v.effective_on <= day and (cutoff is None or v.published_at < cutoff)]
    return live[-1] if live else None


def due_by(policy: Policy, current: PolicyVersion, joined: date) -> date:
    """The last day to acknowledge: days after the round's first version took effect, or after joining."""
    basis = next(v for v in policy.versions if v.number == current.basis_number)
    return max(basis.effective_on, joined) + timedelta(days=policy.days_to_acknowledge)


def status_for(policy: Policy, current: PolicyVersion | None, acked: Acknowledged | None, joined: date,
               today: date) -> PolicyCell:
    """Acknowledged once any version from the round's start is; otherwise due, then overdue after the deadline."""
    if current is None:
        return PolicyCell(policy.id, PolicyStatus.NOT_YET, None, acked.at if acked else None)
    if acked is not None and acked.number >= current.basis_number:
        return PolicyCell(policy.id, PolicyStatus.ACKNOWLEDGED, None, acked.at)
    deadline = due_by(policy, current, joined)
    status = PolicyStatus.DUE if today <= deadline else PolicyStatus.OVERDUE
    return PolicyCell(policy.id, status, deadline, acked.at if acked else None)


@dataclass(frozen=True)
class PolicyBook:
    """Every policy with its versions and the staff groups that must read it, read once per request."""

    policies: tuple[Policy, ...]
    groups: frozenset[tuple[int, int]]  # (policy_id, staff_group_id)

    def required(self, policy: Policy, group_id: int | None) -> bool:
        """Whether a person in the group must read the policy."""
        return policy.all_staff or (policy.id, group_id) in self.groups

    @property
    def columns(self) -> list[Policy]:
        """The policies someone must read: the compliance matrix's policy columns."""
        return [p for p in self.policies if p.all_staff or any(pid == p.id for pid, _ in self.groups)]

    def find(self, policy_id: int) -> Policy | None:
        """The policy with this id, if there is one."""
        return next((p for p in self.policies if p.id == policy_id), None)


def load_book(session: Session) -> PolicyBook:
    """Policies by title with their versions (documents left unread) and requirements: three queries."""
    policies = tuple(session.scalars(select(Policy).options(selectinload(Policy.versions))
                                     .order_by(Policy.title, Policy.id)))
    pairs = frozenset((policy_id, group_id) for policy_id, group_id in session.execute(
        select(PolicyRequirement.policy_id, PolicyRequirement.staff_group_id)))
    return PolicyBook(policies, pairs)


def acknowledgements(session: Session, user_ids: Iterable[int] | None, cutoff: datetime
                     ) -> tuple[dict[int, date], dict[tuple[int, int], Acknowledged]]:
    """When each person joined, and per (person, policy) what they had acknowledged by the cutoff: one query."""
    acked = (select(PolicyAcknowledgement.user_id, PolicyVersion.policy_id,
                    func.max(PolicyVersion.number).label("number"), func.max(PolicyAcknowledgement.at).label("at"))
             .join(PolicyVersion, PolicyVersion.id == PolicyAcknowledgement.version_id)
             .where(PolicyAcknowledgement.at < cutoff)
             .group_by(PolicyAcknowledgement.user_id, PolicyVersion.policy_id).subquery("acked"))
    query = select(User.id, User.created_at, acked.c.policy_id, acked.c.number, acked.c.at).outerjoin(
        acked, acked.c.user_id == User.id)
    if user_ids is not None:
        query = query.where(User.id.in_(list(user_ids)))
    joined: dict[int, date] = {}
    found: dict[tuple[int, int], Acknowledged] = {}
    for user_id, created_at, policy_id, number, at in session.execute(query):
        joined[user_id] = created_at.date()
        if policy_id is not None:
            found[(user_id, policy_id)] = Acknowledged(number, at)
    return joined, found


def grid(session: Session, book: PolicyBook, people: Sequence[tuple[int, int | None]], day: date,
         cutoff: datetime, everyone: bool = False) -> dict[int, tuple[PolicyCell, ...]]:
    """Cells for each (person id, staff group id), one per policy, in one query whatever the number of people."""
    if not book.columns or not people:
        return {person_id: () for person_id, _ in people}
    joined, acked = acknowledgements(session, None if everyone else [p for p, _ in people], cutoff)
    current = {policy.id: in_effect(policy, day, cutoff) for policy in book.columns}
    cells: dict[int, tuple[PolicyCell, ...]] = {}
    for person_id, group_id in people:
        row = []
        for policy in book.columns:
            if not book.required(policy, group_id):
                row.append(PolicyCell(policy.id, PolicyStatus.NOT_REQUIRED, None, None))
                continue
            row.append(status_for(policy, current[policy.id], acked.get((person_id, policy.id)),
                                  joined.get(person_id, day), day))
        cells[person_id] = tuple(row)
    return cells
