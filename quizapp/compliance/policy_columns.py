"""Policies in the compliance matrix: one column per policy someone must read, after the courses.

The policy cells of a page (or of an export) are read in one query whatever the number of people, on top of the
three that load the policies (see policies/standing.py). Requirements are taken as currently set, as for courses.
"""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from ..models import Policy, User
from ..policies.standing import PolicyBook, PolicyCell, PolicyStatus, grid
from .asat import AsAt
from .matrix import PAGE_SIZE, MatrixFilter, MatrixPage, MatrixRow


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


def page_with_policies(session: Session, page: MatrixPage, f: MatrixFilter, book: PolicyBook,
                       when: AsAt) -> MatrixPage:
    """The matrix page with its policy columns and cells."""
    return replace(page, rows=with_policies(session, page.rows, f, book, when), policies=policy_columns(f, book))


def person_policies(session: Session, book: PolicyBook, person: User, when: AsAt) -> list[tuple[Policy, PolicyCell]]:
    """The policies this person must read and where they stood at the end of the day (one query)."""
    cells = grid(session, book, [(person.id, person.staff_group_id)], when.day, when.cutoff).get(person.id, ())
    return [(policy, cell) for policy, cell in zip(book.columns, cells, strict=True)
            if cell.status is not PolicyStatus.NOT_REQUIRED]
