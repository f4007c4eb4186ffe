"""The headline figures: share of required training covered, per course and per school, counted in SQL.

Covered means a certificate valid on the day ("Compliant", "Due soon", or "Update required" before its
deadline), or for a required policy the version in effect acknowledged (counted as "Compliant"; see
policy_cells.py for the other buckets). Percentages are rounded down, so 100 % is only shown when nobody at all
is missing. The same statement counts the matrix's rows and picks its page, so a dashboard reads the statuses
once however it is filtered or sorted.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CompoundSelect, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from ..models import Course, Policy, School, User
from .asat import AsAt
from .cells import required_cells, standing
from .matrix import MatrixFilter, base_conditions, page_slice
from .policy_cells import counted_terms
from .requirements import Requirements
from .status import Status

COUNTED = (Status.COMPLIANT, Status.DUE_SOON, Status.UPDATE_REQUIRED, Status.IN_PROGRESS, Status.UPDATE_OVERDUE,
           Status.EXPIRED, Status.NOT_STARTED)


def percent(part: int, whole: int) -> int | None:
    """part of whole as a whole percentage rounded down; None when there is nothing to count."""
    return None if whole == 0 else (100 * part) // whole


@dataclass(frozen=True)
class Tally:
    """Required places (one per person per required course) by status."""

    counts: Mapping[Status, int] = field(default_factory=dict)

    def count(self, status: Status) -> int:
        """How many places have this status."""
        return self.counts.get(status, 0)

    @property
    def total(self) -> int:
        """All required places."""
        return sum(self.counts.values())

    @property
    def covered(self) -> int:
        """Places held by a valid certificate (compliant, due soon, or an update required but not yet overdue)."""
        return self.count(Status.COMPLIANT) + self.count(Status.DUE_SOON) + self.count(Status.UPDATE_REQUIRED)

    @property
    def pct(self) -> int | None:
        """Percentage of places covered, rounded down."""
        return percent(self.covered, self.total)


@dataclass(frozen=True)
class People:
    """People in view, those with any required course, and those covered for every one of them."""

    staff: int = 0
    with_required: int = 0
    fully_covered: int = 0

    @property
    def not_covered(self) -> int:
        """People missing at least one required course."""
        return self.with_required - self.fully_covered

    @property
    def pct(self) -> int | None:
        """Percentage of people with required courses who hold all of them, rounded down."""
        return percent(self.fully_covered, self.with_required)


@dataclass(frozen=True)
class SchoolLine:
    """One school in the trust roll-up."""

    school_id: int | None
    name: str
    people: People
    places: Tally


@dataclass(frozen=True)
class Summary:
    """Everything the dashboard's summary, chart and roll-up show."""

    people: People
    places: Tally
    courses: list[tuple[Course, Tally]]
    schools: list[SchoolLine]
    matching: int = 0
    page_ids: tuple[int, ...] = ()
    policies: list[tuple[Policy, Tally]] = field(default_factory=list)  # counted in the course buckets


def _statement(f: MatrixFilter, when: AsAt, reqs: Requirements, page: int) -> CompoundSelect[*tuple[Any, ...]]:
    """Places by (school, course, status), people by school, and the page's people, from one pass over the statuses.

    The cells and each person's standing are CTEs used more than once, which both databases work out once.
    """
    conds = base_conditions(f, when, reqs)
    terms = counted_terms(f.course_id, reqs.book, when)
    cells = required_cells(when, conds, f.course_id, f.narrow, terms).cte("cells")
    per_person = standing(cells, f.status, f.sort_course_id).cte("per_person")
    # kind 1: a course's places, kind 4: a policy's (its id in the course's column).
    places = (select(case((cells.c.policy_id.is_(None), 1), else_=4).label("kind"), cells.c.school_id,
                     func.coalesce(cells.c.course_id, cells.c.policy_id), cells.c.status,
                     literal("").label("name"), func.count().label("n"), literal(0).label("with_required"),
                     literal(0).label("fully"), literal(0).label("matching"))
              .group_by(cells.c.school_id, cells.c.course_id, cells.c.policy_id, cells.c.status))
    has_required = func.coalesce(per_person.c.required, 0) > 0
    people = (select(literal(2), User.school_id, literal(0), literal(""), func.coalesce(School.name, ""),
                     func.count(), func.sum(case((has_required, 1), else_=0)),
                     func.sum(case((has_required & (per_person.c.gaps == 0), 1), else_=0)),
                     func.sum(func.coalesce(per_person.c.matches, 0 if f.status else 1)))
              .outerjoin(per_person, per_person.c.user_id == User.id)
              .outerjoin(School, School.id == User.school_id)
              .where(*conds).group_by(User.school_id, School.name))
    on_page = page_slice(f, conds, per_person, page).subquery("on_page")
    page_rows = select(literal(3), on_page.c.user_id, on_page.c.rn, literal(""), literal(""), literal(0),
                       literal(0), literal(0), literal(0))
    return union_all(places, people, page_rows)


def summarise(session: Session, f: MatrixFilter, when: AsAt, reqs: Requirements, page: int = 1) -> Summary:
    """The summary of everyone the filters (bar status) match, the matrix's row count and its page's people.

    One statement whatever the number of people: `matching` is how many the status filter lets through and
    `page_ids` the people on page `page` (brought within range), in order.
    """
    by_school: dict[int | None, dict[Status, int]] = defaultdict(lambda: defaultdict(int))
    by_course: dict[int, dict[Status, int]] = defaultdict(lambda: defaultdict(int))
    by_policy: dict[int, dict[Status, int]] = defaultdict(lambda: defaultdict(int))
    overall: dict[Status, int] = defaultdict(int)
    people_rows: list[tuple[int | None, str, People, int]] = []
    on_page: list[tuple[int, int]] = []
    for kind, key, course_or_rank, status, name, n, with_required, fully, matches in session.execute(
            _statement(f, when, reqs, max(1, page))):
        if kind in (1, 4):
            item = (by_course if kind == 1 else by_policy)[course_or_rank]
            for counts in (by_school[key], item, overall):
                counts[Status(status)] += n
        elif kind == 2:
            people_rows.append((key, name or "No school", People(n, int(with_required), int(fully)), int(matches)))
        else:
            on_page.append((course_or_rank, key))
    schools = sorted((SchoolLine(school_id, name, people, Tally(dict(by_school[school_id])))
                      for school_id, name, people, _ in people_rows),
                     key=lambda line: (line.school_id is None, line.name.lower()))
    everyone = People(sum(line.people.staff for line in schools), sum(line.people.with_required for line in schools),
                      sum(line.people.fully_covered for line in schools))
    courses = [(course, Tally(dict(by_course[course.id]))) for course in reqs.columns(f.course_id)]
    policies = [(policy, Tally(dict(by_policy[policy.id])))
                for policy in (reqs.book.columns if reqs.book and f.course_id is None else [])]
    return Summary(everyone, Tally(dict(overall)), courses, schools, sum(m for *_, m in people_rows),
                   tuple(user_id for _, user_id in sorted(on_page)), policies)
