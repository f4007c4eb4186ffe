"""The compliance matrix: staff rows x required courses, filtered, sorted and paged in SQL.

A page costs a fixed number of queries whatever the number of staff, attempts or certificates: the people on
the page, the certificates they hold and the quizzes they had running, plus the summary's statement, which also
picks the page's people and counts them (see summary.py), and the requirements. Status filters and status
sorting run in SQL, through one join on each person's standing (`cells.standing`), which counts required
policies beside the courses when the requirements carry the policy book (see policy_cells.py).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    SQLColumnExpression,
    String,
    Subquery,
    case,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from ..models import Course, Policy, School, StaffGroup, User
from ..policies.standing import PolicyCell
from .asat import AsAt, UserIds, present, running_attempts
from .cells import URGENCY, population, required_cells, standing
from .external import external_cover, later
from .policy_cells import counted_terms
from .requirements import Requirements
from .status import LABELS, TAGS, Status, status_for
from .updates import held_cover, update_by_for

PAGE_SIZE = 50
PERSON_COLUMNS = (User.id, User.first_name, User.last_name, User.email, User.staff_group_id,
                  School.name.label("school"), StaffGroup.name.label("group"))
# Any select, whatever its columns (SQLAlchemy 2.1 types a Select by each column).
AnySelect = Select[*tuple[Any, ...]]
SORTS = ("name", "school", "group")  # plus "course-<id>": by status in that course, most urgent first


@dataclass(frozen=True)
class MatrixFilter:
    """What is being looked at; DSLs are `restricted` to `scope_school_id` whatever else they ask for."""

    restricted: bool = False
    scope_school_id: int | None = None
    school_id: int | None = None
    group_id: int | None = None
    course_id: int | None = None
    status: str = ""  # "", "covered", "not_covered" or a Status value
    search: str = ""
    sort: str = "name"

    @property
    def narrow(self) -> bool:
        """Whether the filters pick out part of the organisation (then certificates are read for them only)."""
        return bool(self.restricted or self.school_id or self.group_id or self.search.strip())

    @property
    def sort_course_id(self) -> int | None:
        """The course whose status orders the rows, if sorting by one."""
        prefix, _, rest = self.sort.partition("-")
        return int(rest) if prefix == "course" and rest.isdigit() else None


@dataclass(frozen=True)
class Cell:
    """One person's standing on one course, with the expiry that decides it."""

    course_id: int
    status: Status
    valid_until: date | None
    external: bool = False  # the cover that decides is approved training done elsewhere, not a certificate
    update_by: date | None = None  # the deadline of an update quiz the pass owes after a material bank edition

    @property
    def label(self) -> str:
        """"Compliant", "Expired" and so on."""
        return LABELS[self.status]

    @property
    def described(self) -> str:
        """The label with what decides it: "Compliant (external)", "Update required by 2 January 2027"."""
        if self.status in (Status.UPDATE_REQUIRED, Status.UPDATE_OVERDUE) and self.update_by:
            word = "by" if self.status is Status.UPDATE_REQUIRED else "since"
            day = self.update_by if self.status is Status.UPDATE_REQUIRED else self.update_by + timedelta(days=1)
            return f"{self.label} {word} {day.day} {day:%B %Y}"
        return f"{self.label} (external)" if self.external else self.label

    @property
    def tag(self) -> str:
        """The colour class suffix (ok, warn, bad, none)."""
        return TAGS[self.status]

    @property
    def expired_on(self) -> date | None:
        """The first day without cover, for an expired certificate."""
        return self.valid_until + timedelta(days=1) if self.status is Status.EXPIRED and self.valid_until else None


class PersonRow(Protocol):
    """What `build_rows` reads about a person: a row of PERSON_COLUMNS, or the same facts taken from a User."""

    @property
    def id(self) -> int: ...  # noqa: D102 (the fields of a row)
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def staff_group_id(self) -> int | None: ...
    @property
    def school(self) -> str | None: ...
    @property
    def group(self) -> str | None: ...


@dataclass(frozen=True)
class MatrixRow:
    """A person and their cells, one per matrix column."""

    person_id: int
    first_name: str
    last_name: str
    email: str
    school: str
    group: str
    cells: tuple[Cell, ...]
    staff_group_id: int | None = None
    policy_cells: tuple[PolicyCell, ...] = ()  # one per PolicyBook.columns, after the courses

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class MatrixPage:
    """One page of the matrix and where it sits in the whole."""

    courses: list[Course]
    rows: list[MatrixRow]
    total: int
    page: int
    pages: int
    policies: list[Policy] = field(default_factory=list)


def base_conditions(f: MatrixFilter, when: AsAt, reqs: Requirements) -> list[ColumnElement[bool]]:
    """Everything but the status filter: scope, school, group, course, search, and on the staff at the time."""
    conds: list[ColumnElement[bool]] = [present(when)]
    if f.restricted:
        conds.append(User.school_id == f.scope_school_id if f.scope_school_id is not None else false())
    if f.school_id is not None:
        conds.append(User.school_id == f.school_id)
    if f.group_id is not None:
        conds.append(User.staff_group_id == f.group_id)
    if f.course_id is not None:
        conds.append(User.staff_group_id.in_(reqs.groups_for(f.course_id)))
    term = f.search.strip().lower()
    if term:
        full_name = func.lower(User.first_name + " " + User.last_name, type_=String)
        conds.append(or_(full_name.contains(term, autoescape=True),
                         func.lower(User.email, type_=String).contains(term, autoescape=True)))
    return conds


def _standing(f: MatrixFilter, when: AsAt, reqs: Requirements) -> Subquery | None:
    if not f.status and f.sort_course_id is None:
        return None
    cells = required_cells(when, base_conditions(f, when, reqs), f.course_id, f.narrow,
                           counted_terms(f.course_id, reqs.book, when)).subquery("cells")
    return standing(cells, f.status, f.sort_course_id).subquery("standing")


def ordering(f: MatrixFilter, st: FromClause | None) -> list[SQLColumnExpression[Any]]:
    """ORDER BY terms, ending with the id so the order is total and pages never overlap.

    Needs School and StaffGroup joined, and for a course sort the standing `st` (with its rank).
    """
    by_name: list[SQLColumnExpression[Any]] = [func.lower(User.last_name), func.lower(User.first_name), User.id]
    if f.sort_course_id is not None and st is not None:
        return [func.coalesce(st.c.rank, len(URGENCY)), *by_name]
    if f.sort == "school":
        return [School.name.is_(None), School.name, *by_name]
    if f.sort == "group":
        return [StaffGroup.name.is_(None), StaffGroup.name, *by_name]
    return by_name


def matched(query: AnySelect, f: MatrixFilter, st: FromClause | None) -> AnySelect:
    """Join School, StaffGroup and the standing (if any) and keep only those the status filter lets through."""
    query = (query.outerjoin(School, School.id == User.school_id)
             .outerjoin(StaffGroup, StaffGroup.id == User.staff_group_id))
    if st is None:
        return query
    query = query.outerjoin(st, st.c.user_id == User.id)
    return query.where(func.coalesce(st.c.matches, 0) == 1) if f.status else query


def people_query(f: MatrixFilter, when: AsAt, reqs: Requirements) -> AnySelect:
    """The matching people as light rows, in the chosen order."""
    st = _standing(f, when, reqs)
    query = matched(select(*PERSON_COLUMNS).where(*base_conditions(f, when, reqs)), f, st)
    return query.order_by(*ordering(f, st))


def count_matching(session: Session, f: MatrixFilter, when: AsAt, reqs: Requirements) -> int:
    """How many people the filters match (the dashboard has it from the summary's statement instead)."""
    return session.scalar(select(func.count()).select_from(people_query(f, when, reqs).order_by(None).subquery())) or 0


def page_slice(f: MatrixFilter, conds: Sequence[ColumnElement[bool]], st: FromClause, page: int) -> AnySelect:
    """(user_id, position) of the people on the page, the page number brought within range in SQL itself."""
    ranked = (matched(select(User.id.label("user_id"), func.row_number().over(order_by=ordering(f, st)).label("rn"),
                             func.count().over().label("total")).where(*conds), f, st)
              .subquery("ranked"))
    last_page = (ranked.c.total + (PAGE_SIZE - 1)) // PAGE_SIZE
    shown = case((last_page < page, last_page), else_=page)
    return (select(ranked.c.user_id, ranked.c.rn)
            .where(ranked.c.rn > (shown - 1) * PAGE_SIZE, ranked.c.rn <= shown * PAGE_SIZE))


def build_rows(session: Session, people: Sequence[PersonRow], columns: Sequence[Course], reqs: Requirements,
               when: AsAt, user_ids: UserIds | None) -> list[MatrixRow]:
    """Cells in three queries (certificates, training elsewhere, quizzes running), ruled by `status_for`."""
    held = {(u, c): (v, by) for u, c, v, by in session.execute(held_cover(when, user_ids))}
    elsewhere = {(u, c): v for u, c, v in session.execute(external_cover(when.cutoff, user_ids))}
    running = {(u, c) for u, c in session.execute(running_attempts(when, user_ids))}
    rows = []
    for p in people:
        cells = []
        for course in columns:
            key = (p.id, course.id)
            if not reqs.required(p.staff_group_id, course.id):
                cells.append(Cell(course.id, Status.NOT_REQUIRED, None))
                continue
            certificate, owed = held.get(key, (None, None))
            valid_until, external = later(certificate, elsewhere.get(key))
            update_by = update_by_for(certificate, elsewhere.get(key), owed)
            status = status_for(valid_until, key in running, when.day, when.due_soon_days, update_by=update_by)
            cells.append(Cell(course.id, status, valid_until, external, update_by))
        rows.append(MatrixRow(p.id, p.first_name, p.last_name, p.email, p.school or "", p.group or "",
                              tuple(cells), p.staff_group_id))
    return rows


def pages_for(total: int, page: int) -> tuple[int, int]:
    """(page shown, number of pages): the page number clamped into range, as `page_slice` does in SQL."""
    pages = max(1, -(-total // PAGE_SIZE))
    return min(max(1, page), pages), pages


def matrix_page(session: Session, f: MatrixFilter, when: AsAt, reqs: Requirements, ids: Sequence[int],
                total: int, page: int) -> MatrixPage:
    """The page of people whose ids (in order) the summary's statement picked, with their cells."""
    found = {p.id: p for p in session.execute(
        select(*PERSON_COLUMNS).outerjoin(School, School.id == User.school_id)
        .outerjoin(StaffGroup, StaffGroup.id == User.staff_group_id).where(User.id.in_(ids)))}
    people = [found[i] for i in ids if i in found]
    columns = reqs.columns(f.course_id)
    shown, pages = pages_for(total, page)
    return MatrixPage(columns, build_rows(session, people, columns, reqs, when, list(ids)), total, shown, pages)


def all_rows(session: Session, f: MatrixFilter, when: AsAt, reqs: Requirements) -> list[MatrixRow]:
    """Every matching person, in page order: exactly what the pages show, for exports."""
    people = session.execute(people_query(f, when, reqs)).all()
    # Facts for everyone in view (a superset when a status filter applies): no second pass over the statuses.
    ids = population(base_conditions(f, when, reqs)) if f.narrow else None
    return build_rows(session, people, reqs.columns(f.course_id), reqs, when, ids)
