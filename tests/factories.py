"""Factories that build real rows through the same operations the app uses."""
from __future__ import annotations

import itertools

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.accounts import hash_password
from quizapp.models import School, StaffGroup, User

DEFAULT_PASSWORD = "correct horse battery"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _hashed(password: str) -> str:
    # scrypt is deliberately slow; one hash per distinct password keeps the suite quick.
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def get_or_create_school(session: Session, name: str) -> School:
    """The school with this name, created if needed."""
    school = session.scalar(select(School).where(School.name == name))
    if school is None:
        school = School(name=name)
        session.add(school)
        session.flush()
    return school


def get_or_create_group(session: Session, name: str) -> StaffGroup:
    """The staff group with this name, created if needed."""
    group = session.scalar(select(StaffGroup).where(StaffGroup.name == name))
    if group is None:
        group = StaffGroup(name=name)
        session.add(group)
        session.flush()
    return group


def make_user(session: Session, role: str = "staff", *, school: str | None = "School A",
              group: str | None = "Teaching staff", password: str = DEFAULT_PASSWORD, active: bool = True,
              first_name: str | None = None, last_name: str = "Tester", extra_time_pct: int = 0) -> User:
    """Add a person with a real password hash."""
    n = next(_counter)
    user = User(email=f"{role}{n}@example.org", first_name=first_name or f"{role.capitalize()}{n}",
                last_name=last_name, role=role, active=active, extra_time_pct=extra_time_pct,
                school=get_or_create_school(session, school) if school else None,
                staff_group=get_or_create_group(session, group) if group else None,
                password_hash=_hashed(password))
    session.add(user)
    session.flush()
    return user
