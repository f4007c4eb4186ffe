"""Required policies as cells beside the courses', so the status filter, the summary and the chart count both.

Each policy a person must read becomes one required place, with its standing put into the course buckets:
Acknowledged counts as Compliant (covered), Due (not yet acknowledged, still within the days allowed) as Not
started, and Overdue as Expired. "Not yet" (no version in effect on the day) is no place at all, as with a course
nobody is required to hold: there is nothing to read. `policy_cells_sql` is the SQL twin of
`policies.standing.status_for`; tests hold the two together at every boundary.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, case, cast, exists, false, func, null, or_, select

from ..models import Policy, PolicyAcknowledgement, PolicyRequirement, PolicyVersion, User
from ..policies.standing import PolicyBook, PolicyStatus, in_effect
from .asat import AsAt, UserIds
from .status import Status

BUCKETS = {PolicyStatus.ACKNOWLEDGED: Status.COMPLIANT, PolicyStatus.DUE: Status.NOT_STARTED,
           PolicyStatus.OVERDUE: Status.EXPIRED}


@dataclass(frozen=True)
class PolicyTerm:
    """What decides a policy's cells on the day: the round's first version, and who is past the deadline."""

    policy_id: int
    basis_number: int
    # Overdue for those who joined before this moment (None: the round is too recent for anyone to be overdue).
    late_if_joined_before: datetime | None


def policy_terms(book: PolicyBook | None, when: AsAt) -> list[PolicyTerm]:
    """One term per required policy with a version in effect at the end of the day (those "Not yet" have none).

    The deadline is max(round start, joined) + days, so a person is overdue only when both are before
    day - days: a constant for the round, and a comparison with the day each person joined.
    """
    terms = []
    for policy in book.columns if book else ():
        current = in_effect(policy, when.day, when.cutoff)
        if current is None:
            continue
        basis = next(v for v in policy.versions if v.number == current.basis_number)
        last_on_time = when.day - timedelta(days=policy.days_to_acknowledge)
        late = (datetime.combine(last_on_time, time.min, tzinfo=UTC) if basis.effective_on < last_on_time
                else None)
        terms.append(PolicyTerm(policy.id, current.basis_number, late))
    return terms


def counted_terms(course_id: int | None, book: PolicyBook | None, when: AsAt) -> list[PolicyTerm]:
    """The policies counted beside the courses: none when one course is picked (as the matrix's columns)."""
    return [] if course_id is not None else policy_terms(book, when)


def _acknowledged(when: AsAt, user_ids: UserIds | None) -> Any:
    """(user_id, policy_id, highest version number) acknowledged by the end of the day."""
    query = (select(PolicyAcknowledgement.user_id, PolicyVersion.policy_id,
                    func.max(PolicyVersion.number).label("number"))
             .join(PolicyVersion, PolicyVersion.id == PolicyAcknowledgement.version_id)
             .where(PolicyAcknowledgement.at < when.cutoff)
             .group_by(PolicyAcknowledgement.user_id, PolicyVersion.policy_id))
    if user_ids is not None:
        query = query.where(PolicyAcknowledgement.user_id.in_(user_ids))
    return query.subquery("acknowledged")


def _status(terms: Sequence[PolicyTerm], number: ColumnElement[Any]) -> ColumnElement[str]:
    basis = case({t.policy_id: t.basis_number for t in terms}, value=Policy.id)
    late = [and_(Policy.id == t.policy_id, User.created_at < t.late_if_joined_before)
            for t in terms if t.late_if_joined_before is not None]
    return case((number >= basis, Status.COMPLIANT.value), (or_(false(), *late), Status.EXPIRED.value),
                else_=Status.NOT_STARTED.value)


def policy_cells_sql(terms: Sequence[PolicyTerm], when: AsAt, conditions: Sequence[ColumnElement[bool]],
                     user_ids: UserIds | None) -> Select[*tuple[Any, ...]]:
    """(user_id, school_id, course_id NULL, policy_id, status) for each required policy of the people."""
    acked = _acknowledged(when, user_ids)
    by_group = exists().where(PolicyRequirement.policy_id == Policy.id,
                              PolicyRequirement.staff_group_id == User.staff_group_id)
    must_read = and_(Policy.id.in_([t.policy_id for t in terms]), or_(Policy.all_staff.is_(True), by_group))
    return (select(User.id.label("user_id"), User.school_id.label("school_id"),
                   cast(null(), Integer).label("course_id"), Policy.id.label("policy_id"),
                   _status(terms, acked.c.number).label("status"))
            .join(Policy, must_read)
            .outerjoin(acked, and_(acked.c.user_id == User.id, acked.c.policy_id == Policy.id))
            .where(*conditions))
