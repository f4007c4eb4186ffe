"""Account operations shared by the views and the CLI: passwords, creation, sign-in checks."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit import record
from ..models import Role, School, StaffGroup, User
from .fields import AccountError, clean_email, clean_extra_time, clean_name, clean_role

MIN_PASSWORD_LENGTH = 12
# Checked against when the email is unknown, so a wrong email costs the same time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0000", method="scrypt")


def check_password_rules(password: str, email: str) -> None:
    """Raise AccountError unless the password is long enough and is not the email address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password", f"Password must be at least {MIN_PASSWORD_LENGTH} characters.")
    if password.strip().lower() == email.strip().lower():
        raise AccountError("password", "Password must not be your email address.")


def hash_password(password: str) -> str:
    """Hash with scrypt (Werkzeug)."""
    return generate_password_hash(password, method="scrypt")


def find_by_email(session: Session, email: str) -> User | None:
    """Look a person up by email, ignoring case."""
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def authenticate(session: Session, email: str, password: str, now: datetime) -> User | None:
    """Return the active user whose password matches, recording the sign-in; None for any failure."""
    user = find_by_email(session, email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_sign_in_at = now
    record(session, user, "auth.sign_in", f"user:{user.id}")
    return user


@dataclass
class NewUser:
    """The fields needed to create a person."""

    email: str
    first_name: str
    last_name: str
    role: str = Role.STAFF.value
    school: School | None = None
    staff_group: StaffGroup | None = None
    extra_time_pct: int = 0
    password: str | None = None


def create_user(session: Session, data: NewUser, actor: User | None = None) -> User:
    """Validate and add a person (flush only); raises AccountError naming the bad field."""
    email = clean_email(data.email)
    if session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise AccountError("email", f"A person with the email {email} already exists.")
    user = User(email=email, first_name=clean_name("first_name", data.first_name),
                last_name=clean_name("last_name", data.last_name), role=clean_role(data.role), school=data.school,
                staff_group=data.staff_group, extra_time_pct=clean_extra_time(data.extra_time_pct))
    if data.password is not None:
        check_password_rules(data.password, email)
        user.password_hash = hash_password(data.password)
    session.add(user)
    session.flush()
    record(session, actor, "user.create", f"user:{user.id}", email=email, role=data.role)
    return user
