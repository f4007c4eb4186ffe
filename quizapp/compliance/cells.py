"""Status per person x required course as one SQL relation, for filtering, sorting and counting in the database.

`status_sql` is the SQL twin of `status.status_for` for required courses; tests hold the two together at every
boundary, so the page (which uses `status_for`) and the counts (which use this) never disagree. Required policies
join as cells of their own (see policy_cells.py), with `policy_id` set where a course's cell has `course_id`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    FromClause,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)

from ..models import Course, CourseRequirement, User
from .asat import AsAt, held_certificates, running_attempts
from .external import external_cover, later_sql
from .policy_cells import PolicyTerm, policy_cells_sql
from .status import Status
from .updates import owed_updates_sql, update_by_sql

# "Update required" still counts as covered (the pass is valid and the deadline not yet reached); overdue does not.
COVERED = (Status.COMPLIANT.value, Status.DUE_SOON.value, Status.UPDATE_REQUIRED.value)
# Most urgent first: what a DSL must act on comes to the top when sorting by a course's status.
URGENCY = (Status.EXPIRED, Status.UPDATE_OVERDUE, Status.NOT_STARTED, Status.IN_PROGRESS, Status.UPDATE_REQUIRED,
           Status.DUE_SOON, Status.COMPLIANT)
STATUS_FILTERS = ("covered", "not_covered") + tuple(s.value for s in URGENCY)


def status_sql(valid_until: ColumnElement[Any], running_user: ColumnElement[Any], when: AsAt,
               update_by: ColumnElement[Any] | None = None) -> ColumnElement[str]:
    """The status of a required course from the latest counting expiry, any update owed and a running quiz."""
    # The NULL test comes first: most places owe nothing, and it spares them the date comparisons.
    owed = [] if update_by is None else [
        (and_(update_by.is_not(None), valid_until >= when.day, update_by >= when.day), Status.UPDATE_REQUIRED.value),
        (and_(update_by.is_not(None), valid_until >= when.day), Status.UPDATE_OVERDUE.value),
    ]
    return case(
        *owed,
        (valid_until > when.soon, Status.COMPLIANT.value),
        (valid_until >= when.day, Status.DUE_SOON.value),
        (valid_until.is_not(None), Status.EXPIRED.value),
        (running_user.is_not(None), Status.IN_PROGRESS.value),
        else_=Status.NOT_STARTED.value,
    )


def urgency_sql(status: ColumnElement[str]) -> ColumnElement[int]:
    """A sort key: expired first, compliant last (and no cell at all, "not required", after that)."""
    return case(*[(status == s.value, rank) for rank, s in enumerate(URGENCY)], else_=len(URGENCY))


def population(conditions: Sequence[ColumnElement[bool]]) -> Select[int]:
    """The ids of the people matching the conditions (never correlated with an enclosing query)."""
    return select(User.id).where(*conditions).correlate(None)


def required_cells(when: AsAt, conditions: Sequence[ColumnElement[bool]], course_id: int | None = None,
                   narrow: bool = False, policies: Sequence[PolicyTerm] = ()
                   ) -> Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]:
    """(user_id, school_id, course_id, policy_id, status) for every active course (or the one chosen) and every
    policy in `policies` required of the people.

    With `narrow` (a school, group or search picks out a few people), certificates are read for those people
    only; otherwise reading them all and letting the join pick is faster.
    """
    ids = population(conditions) if narrow else None
    held = held_certificates(when, ids, course_id).subquery("held")
    # Joined beside the certificates rather than inside them, so SQLite keeps its plan for `held`.
    owed = owed_updates_sql(when, ids, course_id).subquery("owed")
    external = external_cover(when.cutoff, ids, course_id).subquery("external")
    running = running_attempts(when, ids).subquery("running")
    only = [] if course_id is None else [CourseRequirement.course_id == course_id]
    courses = (select(User.id.label("user_id"), User.school_id.label("school_id"),
                      CourseRequirement.course_id.label("course_id"), cast(null(), Integer).label("policy_id"),
                      status_sql(later_sql(held.c.valid_until, external.c.valid_until), running.c.user_id, when,
                                 update_by_sql(held.c.valid_until, external.c.valid_until, owed.c.update_by))
                      .label("status"))
               .join(CourseRequirement, CourseRequirement.staff_group_id == User.staff_group_id)
               .join(Course, and_(Course.id == CourseRequirement.course_id, Course.active.is_(True)))
               .outerjoin(held, and_(held.c.user_id == User.id, held.c.course_id == CourseRequirement.course_id))
               .outerjoin(owed, and_(owed.c.user_id == User.id, owed.c.course_id == CourseRequirement.course_id))
               .outerjoin(external, and_(external.c.user_id == User.id,
                                         external.c.course_id == CourseRequirement.course_id))
               .outerjoin(running, and_(running.c.user_id == User.id,
                                        running.c.course_id == CourseRequirement.course_id))
               .where(*conditions, *only))
    return union_all(courses, policy_cells_sql(policies, when, conditions, ids)) if policies else courses


def uncovered_flag(status: ColumnElement[str]) -> ColumnElement[int]:
    """1 for a required course that is not covered by a valid certificate, else 0."""
    return case((status.in_(COVERED), 0), else_=1)


def _matches(cells: FromClause, wanted: str, gaps: ColumnElement[int]) -> ColumnElement[int]:
    if wanted == "covered":
        return case((gaps == 0, 1), else_=0)
    if wanted == "not_covered":
        return case((gaps > 0, 1), else_=0)
    if wanted:
        return func.max(case((cells.c.status == wanted, 1), else_=0))
    return literal(1)


def standing(cells: FromClause, wanted: str = "", sort_course_id: int | None = None) -> Select[*tuple[Any, ...]]:
    """Per person: required courses, how many are not covered, whether the status filter matches, a sort rank.

    "covered" needs every required course (or the chosen one) covered; "not_covered" any one missing; a status
    needs any one course in that status. People with no required course have no row here.
    """
    gaps = func.sum(uncovered_flag(cells.c.status))
    rank = null() if sort_course_id is None else func.min(
        case((cells.c.course_id == sort_course_id, urgency_sql(cells.c.status)), else_=None))
    return (select(cells.c.user_id, func.count().label("required"), gaps.label("gaps"),
                   _matches(cells, wanted, gaps).label("matches"), rank.label("rank"))
            .group_by(cells.c.user_id))
