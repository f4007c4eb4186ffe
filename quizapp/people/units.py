"""Schools and staff groups: list with usage, add, rename, and delete only when nothing uses them."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..audit import record
from ..models import CourseRequirement, School, StaffGroup, User
from .fields import AccountError, has_control

Unit = School | StaffGroup


@dataclass(frozen=True)
class UnitKind:
    """Labels and limits for one kind of unit."""

    model: type[School] | type[StaffGroup]
    noun: str
    audit: str
    max_length: int


SCHOOL = UnitKind(School, "school", "school", 200)
GROUP = UnitKind(StaffGroup, "staff group", "staff_group", 120)


@dataclass(frozen=True)
class UnitRow:
    """A unit with how many people (and, for staff groups, courses) use it."""

    unit: Unit
    people: int
    courses: int

    @property
    def in_use(self) -> bool:
        """Whether deleting it would leave something pointing nowhere."""
        return bool(self.people or self.courses)


def _people_column(kind: UnitKind) -> InstrumentedAttribute[int | None]:
    return User.school_id if kind.model is School else User.staff_group_id


def list_units(session: Session, kind: UnitKind) -> list[UnitRow]:
    """Every unit by name with its usage counts, in a fixed number of queries."""
    column = _people_column(kind)
    counted = select(column, func.count()).where(column.is_not(None)).group_by(column)
    people = {unit_id: count for unit_id, count in session.execute(counted) if unit_id is not None}
    courses: dict[int, int] = {}
    if kind.model is StaffGroup:
        courses = dict(
            session.execute(
                select(CourseRequirement.staff_group_id, func.count()).group_by(CourseRequirement.staff_group_id)
            ).all()
        )
    # A union of two model classes selects as their common base, but each row is the kind asked for.
    units = cast(Sequence[Unit], session.scalars(select(kind.model).order_by(func.lower(kind.model.name))).all())
    return [UnitRow(unit, people.get(unit.id, 0), courses.get(unit.id, 0)) for unit in units]


def _clean_name(session: Session, kind: UnitKind, name: str, unit_id: int | None = None) -> str:
    name = " ".join(name.split())  # line breaks and tabs fold into spaces
    if has_control(name):
        raise AccountError("name", "The name must be plain text, without control characters.")
    if not name:
        raise AccountError("name", f"Enter a name for the {kind.noun}.")
    if len(name) > kind.max_length:
        raise AccountError("name", f"The name must be {kind.max_length} characters or fewer.")
    clash = session.scalar(
        select(kind.model.id).where(func.lower(kind.model.name) == name.lower(), kind.model.id != (unit_id or 0))
    )
    if clash:
        raise AccountError("name", f"There is already a {kind.noun} called {name}.")
    return name


def add_unit(session: Session, kind: UnitKind, name: str, actor: User) -> Unit:
    """Add a school or staff group; raises AccountError on "name"."""
    unit = kind.model(name=_clean_name(session, kind, name))
    session.add(unit)
    session.flush()
    record(session, actor, f"{kind.audit}.create", f"{kind.audit}:{unit.id}", name=unit.name)
    return unit


def rename_unit(session: Session, kind: UnitKind, unit: Unit, name: str, actor: User) -> None:
    """Rename a school or staff group; raises AccountError on "name"."""
    new_name = _clean_name(session, kind, name, unit.id)
    if new_name == unit.name:
        return
    record(session, actor, f"{kind.audit}.rename", f"{kind.audit}:{unit.id}", old=unit.name, new=new_name)
    unit.name = new_name
    session.flush()


def usage(session: Session, kind: UnitKind, unit: Unit) -> UnitRow:
    """How many people and courses use this unit."""
    people = session.scalar(select(func.count()).select_from(User).where(_people_column(kind) == unit.id)) or 0
    courses = 0
    if kind.model is StaffGroup:
        courses = (
            session.scalar(
                select(func.count()).select_from(CourseRequirement).where(CourseRequirement.staff_group_id == unit.id)
            )
            or 0
        )
    return UnitRow(unit, people, courses)


def _in_use_message(kind: UnitKind, row: UnitRow) -> str:
    reasons, fixes = [], []
    if row.people:
        reasons.append(f"{row.people} {'person is' if row.people == 1 else 'people are'} in it")
        fixes.append(f"move {'them' if row.people > 1 else 'that person'} to another {kind.noun}")
    if row.courses:
        reasons.append(f"{row.courses} course{' is' if row.courses == 1 else 's are'} required for it")
        fixes.append("remove it from those courses")
    fix = " and ".join(fixes)
    return f"{row.unit.name} cannot be deleted: {' and '.join(reasons)}. To delete it, {fix} first."


def delete_unit(session: Session, kind: UnitKind, unit: Unit, actor: User) -> None:
    """Delete an unused unit; raises AccountError saying what still uses it."""
    row = usage(session, kind, unit)
    if row.in_use:
        raise AccountError("name", _in_use_message(kind, row))
    record(session, actor, f"{kind.audit}.delete", f"{kind.audit}:{unit.id}", name=unit.name)
    session.delete(unit)
    session.flush()
