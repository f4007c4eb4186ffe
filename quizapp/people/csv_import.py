"""CSV bulk import of people: check every row against the file and the database, and preview the result."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Role, School, StaffGroup, User
from .csv_read import COLUMNS, MAX_BYTES, MAX_ROWS, ImportRefused, ParsedFile, decode, parse
from .fields import AccountError, clean_email, clean_extra_time, clean_name, clean_role

__all__ = ["COLUMNS", "MAX_BYTES", "MAX_ROWS", "ImportRefused", "ParsedFile", "PlannedRow", "Preview", "RowProblem",
           "check", "preview"]


@dataclass(frozen=True)
class RowProblem:
    """One bad cell: row number as in the file (the header is row 1), column and what is wrong."""

    row: int
    column: str
    message: str


@dataclass
class PlannedRow:
    """What one good row will do: create a person, update one, or nothing."""

    row: int
    email: str
    first_name: str
    last_name: str
    values: dict[str, Any]
    user_id: int | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)
    details: str = ""

    @property
    def action(self) -> str:
        """"create", "update" or "unchanged"."""
        if self.user_id is None:
            return "create"
        return "update" if self.changes else "unchanged"


@dataclass
class Preview:
    """Every problem in the file, and what applying it would do."""

    problems: list[RowProblem]
    planned: list[PlannedRow]
    row_count: int

    @property
    def ok(self) -> bool:
        """True when there is something to apply and nothing is wrong."""
        return not self.problems and bool(self.planned)

    def of(self, action: str) -> list[PlannedRow]:
        """The planned rows with this action."""
        return [row for row in self.planned if row.action == action]

    def digest(self) -> str:
        """A fingerprint of the plan, so a confirmation applies exactly what was previewed."""
        plan = [(row.row, row.action, row.email, row.values, row.changes) for row in self.planned]
        return hashlib.sha256(json.dumps(plan, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class _Lookups:
    schools: dict[str, School]
    groups: dict[str, StaffGroup]
    existing: dict[str, User]
    actor_id: int | None
    seen: dict[str, int] = field(default_factory=dict)


def _lookups(session: Session, actor: User | None) -> _Lookups:
    schools = {school.name.lower(): school for school in session.scalars(select(School))}
    groups = {group.name.lower(): group for group in session.scalars(select(StaffGroup))}
    return _Lookups(schools, groups, {}, actor.id if actor else None)


def _existing(session: Session, emails: set[str]) -> dict[str, User]:
    """The people already on file with these addresses, in bounded IN lists that suit every database."""
    ordered, existing = sorted(emails - {""}), dict[str, User]()
    for start in range(0, len(ordered), 500):
        existing.update((user.email, user) for user in session.scalars(
            select(User).where(User.email.in_(ordered[start:start + 500]))))
    return existing


def _checked(number: int, problems: list[RowProblem], rule: Callable[..., Any], *args: Any) -> Any:
    """Apply one field rule (people.fields) to a cell; a refusal becomes a problem on that row, and None."""
    try:
        return rule(*args)
    except AccountError as exc:
        problems.append(RowProblem(number, exc.field, exc.message))
        return None


def _email(number: int, raw: str, look: _Lookups, problems: list[RowProblem]) -> str:
    email = _checked(number, problems, clean_email, raw) or ""
    if email and email in look.seen:
        problems.append(RowProblem(number, "email", f"Duplicate email {email}: it is also on row {look.seen[email]}."))
        return ""
    if email:
        look.seen[email] = number
    return email


def _name(number: int, column: str, raw: str, problems: list[RowProblem]) -> str:
    return _checked(number, problems, clean_name, column, raw) or raw


def _optional(number: int, get: dict[str, str], look: _Lookups, problems: list[RowProblem]) -> dict[str, Any]:
    """The optional cells that were filled in, as stored values; a blank cell leaves that field as it is."""
    values: dict[str, Any] = {}
    if get.get("role") and (role := _checked(number, problems, clean_role, get["role"])):
        values["role"] = role
    for column, units, noun, page in (("school", look.schools, "school", "Schools"),
                                      ("staff_group", look.groups, "staff group", "Staff groups")):
        if get.get(column):
            unit = units.get(" ".join(get[column].split()).lower())
            if unit is not None:
                values[f"{column}_id"] = unit.id
            else:
                problems.append(RowProblem(number, column, f"Unknown {noun} “{get[column]}”: add it on the "
                                                           f"{page} page first, or correct the spelling."))
    if get.get("extra_time_pct"):
        extra = _checked(number, problems, clean_extra_time, get["extra_time_pct"])
        if extra is not None:
            values["extra_time_pct"] = extra
    return values


def _changes(user: User, planned: PlannedRow, look: _Lookups) -> dict[str, list[Any]]:
    schools = {s.id: s.name for s in look.schools.values()}
    groups = {g.id: g.name for g in look.groups.values()}
    shown: dict[str, Callable[[Any], Any]] = {"first_name": lambda v: v, "last_name": lambda v: v, "role": lambda v: v,
             "school_id": lambda v: schools.get(v, "none"), "staff_group_id": lambda v: groups.get(v, "none"),
             "extra_time_pct": lambda v: f"{v} %"}
    wanted = {"first_name": planned.first_name, "last_name": planned.last_name, **planned.values}
    return {name.removesuffix("_id"): [shown[name](getattr(user, name)), shown[name](value)]
            for name, value in wanted.items() if getattr(user, name) != value}


def _details(values: dict[str, Any], cells: dict[str, str]) -> str:
    """A new person's details as shown in the preview, such as "dsl, School A, 25 % extra time"."""
    extra = values.get("extra_time_pct")
    parts = [values.get("role", Role.STAFF.value), cells.get("school"), cells.get("staff_group"),
             f"{extra} % extra time" if extra else ""]
    return ", ".join(part for part in parts if part)


def _check_row(number: int, cells: list[str], columns: list[str], email: str, look: _Lookups,
               problems: list[RowProblem]) -> PlannedRow | None:
    before = len(problems)
    if any(cell.strip() for cell in cells[len(columns):]):
        problems.append(RowProblem(number, f"column {len(columns) + 1}",
                                   "A value with no column heading: remove it or add the heading."))
    get = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(columns)}
    first, last = (_name(number, column, get[column], problems) for column in ("first_name", "last_name"))
    values = _optional(number, get, look, problems)
    existing = look.existing.get(email)
    if existing is not None and existing.id == look.actor_id and values.get("role", existing.role) != existing.role:
        problems.append(RowProblem(number, "role", "You cannot change your own role. Ask another administrator."))
    if not email or len(problems) > before:  # a bad email was reported in the first pass
        return None
    planned = PlannedRow(number, email, first, last, values, existing.id if existing else None)
    if existing is not None:
        planned.changes = _changes(existing, planned, look)
    else:
        planned.details = _details(values, get)
    return planned


def check(session: Session, parsed: ParsedFile, actor: User | None) -> Preview:
    """Check every row against the file itself and the database; nothing is changed."""
    look = _lookups(session, actor)
    problems: list[RowProblem] = []
    index = parsed.columns.index("email")
    emails = [_email(number, cells[index].strip() if index < len(cells) else "", look, problems)
              for number, cells in parsed.rows]
    look.existing = _existing(session, set(emails))
    planned = [row for (number, cells), email in zip(parsed.rows, emails, strict=True)
               if (row := _check_row(number, cells, parsed.columns, email, look, problems)) is not None]
    order = {name: i for i, name in enumerate(COLUMNS)}
    problems.sort(key=lambda p: (p.row, order.get(p.column, len(COLUMNS))))
    return Preview(problems, planned, len(parsed.rows))


def preview(session: Session, data: bytes, actor: User | None) -> tuple[ParsedFile, Preview]:
    """Read and check an uploaded file; ImportRefused when the file as a whole cannot be read."""
    parsed = parse(decode(data))
    return parsed, check(session, parsed, actor)
