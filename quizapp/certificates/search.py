"""Finding certificates for the admin and DSL screens: search, filters, sort and visibility, all in SQL."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.orm import Session, contains_eager

from ..models import Certificate, Role, School, User

STATUSES = ("valid", "expired", "revoked", "superseded")
SORTS = {"issued": Certificate.issued_at, "name": Certificate.holder_name,
         "course": Certificate.course_title, "valid_until": Certificate.valid_until}
PAGE_SIZE = 50


@dataclass(frozen=True)
class Criteria:
    """What the screen asks for; empty values mean "any"."""

    text: str = ""
    course_id: int | None = None
    school_id: int | None = None
    status: str = ""
    issued_from: date | None = None
    issued_to: date | None = None
    sort: str = "issued"
    descending: bool = True

    def as_args(self) -> dict[str, Any]:
        """The criteria as query-string arguments (for pagination and the ZIP link), empty ones left out."""
        args: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "descending":
                args["order"] = "desc" if value else "asc"
            elif value not in (None, ""):
                args[item.name] = value.isoformat() if isinstance(value, date) else value
        return args


def status_clause(status: str, today: date) -> ColumnElement[bool]:
    """SQL for one status, with the same precedence as certificate_status (revoked, superseded, then dates)."""
    live = Certificate.counts
    clauses: dict[str, ColumnElement[bool]] = {
        "revoked": Certificate.revoked_at.is_not(None),
        "superseded": and_(Certificate.revoked_at.is_(None), Certificate.superseded_at.is_not(None)),
        "expired": and_(live, Certificate.valid_until < today),
        "valid": and_(live, Certificate.valid_until >= today),
    }
    return clauses[status]


def visible_to(viewer: User) -> ColumnElement[bool]:
    """SQL twin of can_see_person: admins see all, DSLs their school's people, anyone themselves."""
    if viewer.role == Role.ADMIN.value:
        return true()
    own = Certificate.user_id == viewer.id
    if viewer.role == Role.DSL.value and viewer.school_id is not None:
        return or_(own, User.school_id == viewer.school_id)
    return own


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _text_clause(text: str) -> ColumnElement[bool]:
    words = text.split()
    return and_(*(or_(Certificate.holder_name.icontains(word, autoescape=True),
                      User.first_name.icontains(word, autoescape=True),
                      User.last_name.icontains(word, autoescape=True),
                      User.email.icontains(word, autoescape=True),
                      Certificate.number.icontains(word, autoescape=True)) for word in words))


def conditions(criteria: Criteria, viewer: User, today: date) -> list[ColumnElement[bool]]:
    """The WHERE clauses for these criteria as this viewer sees them (User must be joined)."""
    where = [visible_to(viewer)]
    if criteria.text.strip():
        where.append(_text_clause(criteria.text))
    if criteria.course_id is not None:
        where.append(Certificate.course_id == criteria.course_id)
    if criteria.school_id is not None:
        where.append(User.school_id == criteria.school_id)
    if criteria.status:
        where.append(status_clause(criteria.status, today))
    if criteria.issued_from is not None:
        where.append(Certificate.issued_at >= _midnight(criteria.issued_from))
    if criteria.issued_to is not None:  # inclusive: everything before the next midnight
        where.append(Certificate.issued_at < _midnight(criteria.issued_to + timedelta(days=1)))
    return where


def ordering(criteria: Criteria) -> list[Any]:
    """ORDER BY for the chosen sort, with the id as a tie-breaker so pages never overlap."""
    column = SORTS.get(criteria.sort, Certificate.issued_at)
    return ([column.desc(), Certificate.id.desc()] if criteria.descending else [column.asc(), Certificate.id.asc()])


def listing(criteria: Criteria, viewer: User, today: date) -> Select[Certificate]:
    """Certificates with their holder and school loaded in the same query, filtered and sorted."""
    return (select(Certificate).join(Certificate.user).outerjoin(User.school)
            .options(contains_eager(Certificate.user).contains_eager(User.school))
            .where(*conditions(criteria, viewer, today)).order_by(*ordering(criteria)))


def holders(criteria: Criteria, viewer: User, today: date) -> Select[int]:
    """SQL: the distinct people whose certificates match, for recording who a bulk download was about."""
    return (select(Certificate.user_id).join(Certificate.user)
            .where(*conditions(criteria, viewer, today)).distinct())


def count(session: Session, criteria: Criteria, viewer: User, today: date) -> int:
    """How many certificates match, in one query."""
    query = select(func.count(Certificate.id)).join(Certificate.user).where(*conditions(criteria, viewer, today))
    return session.scalar(query) or 0


def page_of(session: Session, criteria: Criteria, viewer: User, today: date, page: int) -> list[Certificate]:
    """One page (PAGE_SIZE rows) of matching certificates, in one query."""
    query = listing(criteria, viewer, today).limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)
    return list(session.scalars(query).unique())


def school_choices(session: Session) -> list[School]:
    """Every school, by name, for the filter."""
    return list(session.scalars(select(School).order_by(School.name)))
