"""Policies in the compliance matrix: one column per policy someone must read, after the courses.

The policy cells of a page (or of an export) are read in one query whatever the number of people, on top of the
three that load the policies (see policies/standing.py). Requirements are taken as currently set, as for courses.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Policy, User
from ..policies.standing import PolicyBook, PolicyCell, PolicyStatus, grid
from .asat import AsAt
from .matrix import PAGE_SIZE, MatrixFilter, MatrixPage, MatrixRow, base_conditions
from .requirements import Requirements
from .summary import percent

COUNTED = (PolicyStatus.ACKNOWLEDGED, PolicyStatus.DUE, PolicyStatus.OVERDUE, PolicyStatus.NOT_YET)


@dataclass(frozen=True)
class PolicyTally:
    """How the people in view who must read a policy stand on it."""

    policy: Policy
    counts: Counter[PolicyStatus]

    def count(self, status: PolicyStatus) -> int:
        """How many people have this status."""
        return self.counts.get(status, 0)

    @property
    def readers(self) -> int:
        """The people in view who must read it."""
        return sum(self.count(s) for s in COUNTED)

    @property
    def pct(self) -> int | None:
        """Percentage of readers who acknowledged it, rounded down (None when nobody must read it)."""
        return percent(self.count(PolicyStatus.ACKNOWLEDGED), self.readers)


def policy_columns(f: MatrixFilter, book: PolicyBook) -> list[Policy]:
    """Every policy someone must read, unless the filter picked one course."""
    return [] if f.course_id is not None else book.columns


def with_policies(session: Session, rows: list[MatrixRow], f: MatrixFilter, book: PolicyBook,
                  when: AsAt) -> list[MatrixRow]:
    """The rows with one policy cell per policy column, as things stood at the end of the day."""
    if not policy_columns(f, book) or not rows:
        return rows
    # Past a page's worth of people, reading every acknowledgement is cheaper than a long IN list.
    cells = grid(session, book, [(r.person_id, r.staff_group_id) for r in rows], when.day, when.cutoff,
                 everyone=len(rows) > PAGE_SIZE)
    return [replace(r, policy_cells=cells.get(r.person_id, ())) for r in rows]


def page_with_policies(session: Session, page: MatrixPage, f: MatrixFilter, book: PolicyBook, when: AsAt,
                       reqs: Requirements) -> tuple[MatrixPage, list[PolicyTally]]:
    """The matrix page with its policy columns and cells, and a tally per policy of everyone the filters match.

    Two queries on top of the policies themselves: the people in view, and what they had acknowledged.
    """
    columns = policy_columns(f, book)
    if not columns:
        return page, []
    people = session.execute(select(User.id, User.staff_group_id).where(*base_conditions(f, when, reqs))).all()
    cells = grid(session, book, [(p.id, p.staff_group_id) for p in people], when.day, when.cutoff,
                 everyone=not f.narrow)
    tallies = [PolicyTally(policy, Counter(row[i].status for row in cells.values()))
               for i, policy in enumerate(columns)]
    rows = [replace(r, policy_cells=cells.get(r.person_id, ())) for r in page.rows]
    return replace(page, rows=rows, policies=columns), tallies


def person_policies(session: Session, book: PolicyBook, person: User, when: AsAt) -> list[tuple[Policy, PolicyCell]]:
    """The policies this person must read and where they stood at the end of the day (one query)."""
    cells = grid(session, book, [(person.id, person.staff_group_id)], when.day, when.cutoff).get(person.id, ())
    return [(policy, cell) for policy, cell in zip(book.columns, cells, strict=True)
            if cell.status is not PolicyStatus.NOT_REQUIRED]
