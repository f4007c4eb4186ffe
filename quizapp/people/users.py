"""Managing people: search, create, edit, deactivate and reactivate, every change audited."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from ..audit import record
from ..models import Role, School, StaffGroup, User
from ..people.accounts import NewUser, create_user
from .fields import AccountError, clean_email, clean_extra_time, clean_name, clean_role
from .oidc_settings import is_last_way_in
from .session_store import end_all_sessions
from .tokens import rotate_nonce

STATUSES = ("active", "deactivated", "all")


@dataclass(frozen=True)
class UserFilters:
    """What the users list is narrowed to."""

    q: str = ""
    school_id: int | None = None
    group_id: int | None = None
    role: str = ""
    status: str = "active"


@dataclass(frozen=True)
class PersonDetails:
    """The editable fields of a person, as entered on the form."""

    email: str
    first_name: str
    last_name: str
    role: str
    school_id: int | None
    staff_group_id: int | None
    extra_time_pct: int


# Someone must always be able to sign in and put things right if a provider fails.
ERASED = "This person’s records were erased: the account cannot be changed or used again. Add them as a new person."
LAST_ADMIN = ("This is the last active admin who can sign in with a password. Give another admin a password "
              "(outside any domain that must use a sign-in provider) first.")


def _filtered(filters: UserFilters) -> Select[User]:
    query = select(User)
    words = filters.q.strip().lower()
    if words:
        full_name = func.lower(User.first_name + " " + User.last_name)
        query = query.where(or_(full_name.contains(words, autoescape=True),
                                func.lower(User.email).contains(words, autoescape=True)))
    if filters.school_id:
        query = query.where(User.school_id == filters.school_id)
    if filters.group_id:
        query = query.where(User.staff_group_id == filters.group_id)
    if filters.role in {role.value for role in Role}:
        query = query.where(User.role == filters.role)
    if filters.status == "active":
        query = query.where(User.active.is_(True))
    elif filters.status == "deactivated":
        query = query.where(User.active.is_(False))
    return query


def search_users(session: Session, filters: UserFilters, page: int, per_page: int) -> tuple[list[User], int]:
    """One page of matching people (by last name) and how many match in all: two queries."""
    query = _filtered(filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    users = session.scalars(query.order_by(func.lower(User.last_name), func.lower(User.first_name), User.id)
                            .limit(per_page).offset((page - 1) * per_page))
    return list(users), total


def _unit(session: Session, model: type[School] | type[StaffGroup], unit_id: int | None, field: str) -> Any:
    if not unit_id:
        return None
    unit = session.get(model, unit_id)
    if unit is None:
        raise AccountError(field, "Choose one from the list.")
    return unit


def create_person(session: Session, details: PersonDetails, actor: User) -> User:
    """Add a person without a password (they set one from an invitation); raises AccountError naming the field."""
    school = _unit(session, School, details.school_id, "school")
    group = _unit(session, StaffGroup, details.staff_group_id, "staff_group")
    return create_user(session, NewUser(email=details.email, first_name=details.first_name,
                                        last_name=details.last_name, role=details.role, school=school,
                                        staff_group=group, extra_time_pct=details.extra_time_pct), actor=actor)


def _check(session: Session, user: User, details: PersonDetails, actor: User) -> dict[str, Any]:
    email = clean_email(details.email)
    taken = session.scalar(select(User.id).where(User.email == email, User.id != user.id))
    if taken:
        raise AccountError("email", f"A person with the email {email} already exists.")
    role = clean_role(details.role)
    if user.id == actor.id and role != user.role:
        raise AccountError("role", "You cannot change your own role. Ask another administrator.")
    if role != user.role and is_last_way_in(session, user):
        raise AccountError("role", LAST_ADMIN)
    return {"email": email, "first_name": clean_name("first_name", details.first_name),
            "last_name": clean_name("last_name", details.last_name), "role": role,
            "extra_time_pct": clean_extra_time(details.extra_time_pct)}


def update_person(session: Session, user: User, details: PersonDetails, actor: User) -> dict[str, list[Any]]:
    """Apply the edits (flush only) and audit what changed; raises AccountError naming the field."""
    if user.anonymised_at is not None:
        raise AccountError("email", ERASED)
    checked = _check(session, user, details, actor)
    school = _unit(session, School, details.school_id, "school")
    group = _unit(session, StaffGroup, details.staff_group_id, "staff_group")
    wanted = {**checked, "school_id": school.id if school else None, "staff_group_id": group.id if group else None}
    changes = {name: [getattr(user, name), value] for name, value in wanted.items() if getattr(user, name) != value}
    if "email" in changes:
        rotate_nonce(user)  # links already mailed to the old address stop working
    user.email, user.first_name, user.last_name, user.role = (wanted["email"], wanted["first_name"],
                                                              wanted["last_name"], wanted["role"])
    user.school, user.staff_group, user.extra_time_pct = school, group, wanted["extra_time_pct"]
    session.flush()
    if changes:
        record(session, actor, "user.update", f"user:{user.id}", changes=changes)
    if "role" in changes:
        end_all_sessions(session, user, actor, "role changed")  # what they may open changes at once
    return changes


def deactivate(session: Session, user: User, actor: User, now: datetime) -> None:
    """Stop a leaver signing in and drop them from compliance; their records stay."""
    if user.id == actor.id:
        raise AccountError("active", "You cannot deactivate your own account. Ask another administrator.")
    if not user.active:
        return
    if is_last_way_in(session, user):
        raise AccountError("active", LAST_ADMIN)
    user.active = False
    user.deactivated_at = now
    session.flush()
    record(session, actor, "user.deactivate", f"user:{user.id}", email=user.email)
    end_all_sessions(session, user, actor, "deactivated")


def reactivate(session: Session, user: User, actor: User) -> None:
    """Let a deactivated person sign in again (never one whose records were erased)."""
    if user.active:
        return
    if user.anonymised_at is not None:
        raise AccountError("active", ERASED)
    user.active = True
    user.deactivated_at = None
    session.flush()
    record(session, actor, "user.reactivate", f"user:{user.id}", email=user.email)


def without_password(session: Session, user_ids: list[int] | None = None) -> list[User]:
    """Active people who have not set a password yet (optionally only among `user_ids`)."""
    query = select(User).where(User.active.is_(True), User.password_hash.is_(None))
    if user_ids is not None:
        query = query.where(User.id.in_(user_ids[:5000]))
    return list(session.scalars(query.order_by(User.id)))
