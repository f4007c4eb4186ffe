"""Sign-in sessions in the database: start, look up (one indexed query), list and delete them.

The database store of quizapp.people.session_store; the rest of the app goes through that interface.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple, Protocol, cast

from sqlalchemy import CursorResult, Table, bindparam, delete, func, select, update
from sqlalchemy.orm import Session, lazyload

from ..engine.timing import GRACE
from ..models import Attempt, AttemptState, OrgSettings, User, UserSession
from ..models.sessions import AGENT_MAX
from ..models.settings import DEFAULT_IDLE_MINUTES, DEFAULT_MAX_HOURS

# last_seen_at is written at most this often, so a busy quiz does not turn every answer into a session write.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Limits:
    """How long a session may sit unused, and how long it may last in all."""

    idle: timedelta
    maximum: timedelta

    @classmethod
    def of(cls, settings: OrgSettings | None) -> Limits:
        """The limits in Settings (the defaults while no settings row exists yet)."""
        return cls.from_values(settings.session_idle_minutes if settings else None,
                               settings.session_max_hours if settings else None)

    @classmethod
    def from_values(cls, idle_minutes: int | None, max_hours: int | None) -> Limits:
        """The limits from the two settings columns (None for the defaults)."""
        return cls(timedelta(minutes=idle_minutes or DEFAULT_IDLE_MINUTES),
                   timedelta(hours=max_hours or DEFAULT_MAX_HOURS))


def hash_token(token: str) -> str:
    """The SHA-256 (hex) under which a session's random id is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


@lru_cache(maxsize=256)
def describe_agent(user_agent: str) -> str:
    """A browser and system a person recognises, like "Firefox on Windows", from the User-Agent header."""
    from ua_parser import parse  # loads its rules on first use (about 0.1 s), so only at a sign-in

    parsed = parse(user_agent[:500])
    browser = parsed.user_agent.family if parsed.user_agent else ""
    system = parsed.os.family if parsed.os else ""
    if browser in ("", "Other"):
        return "Unknown browser"
    words = f"{browser} on {system}" if system not in ("", "Other") else browser
    return words[:AGENT_MAX]


def start_session(session: Session, user: User, user_agent: str, now: datetime) -> str:
    """Record a new sign-in and return its random id (for the cookie); flush only."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=hash_token(token), user_id=user.id, created_at=now, last_seen_at=now,
                            user_agent=describe_agent(user_agent or "")))
    # A good moment to forget this person's sessions that have run out in any case.
    maximum = Limits.of(OrgSettings.current(session)).maximum
    session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.created_at <= now - maximum))
    session.flush()
    return token


def _quiz_running_until(session: Session, user_id: int, now: datetime) -> datetime | None:
    deadline = session.scalar(select(func.max(Attempt.deadline_at)).where(
        Attempt.user_id == user_id, Attempt.state == AttemptState.IN_PROGRESS.value))
    return deadline if deadline is not None and deadline + GRACE > now else None


class Timed(Protocol):
    """What the idle and lifetime rules look at, in either store."""

    @property
    def user_id(self) -> int: ...  # noqa: D102 (the fields the rules read)
    @property
    def created_at(self) -> datetime: ...  # noqa: D102
    @property
    def last_seen_at(self) -> datetime: ...  # noqa: D102


def alive(session: Session, found: Timed, limits: Limits, now: datetime) -> bool:
    """Within the lifetime, and used within the idle time or with a quiz running (the same rule in both stores)."""
    if now - found.created_at >= limits.maximum:
        return False
    if now - found.last_seen_at < limits.idle:
        return True
    # Idle for too long, unless a quiz is running: its deadline keeps the session (only this case costs a query).
    return _quiz_running_until(session, found.user_id, now) is not None


# Built once: every signed-in request runs it, and building it cost more than running it. The session's own
# columns come as plain values (no UserSession object to build and track on every request); the person is the
# ORM object Flask-Login hands the request.
_sessions = cast(Table, UserSession.__table__)
_FIND = (select(_sessions.c.id, _sessions.c.user_id, _sessions.c.created_at, _sessions.c.last_seen_at,
                _sessions.c.user_agent, User, OrgSettings.session_idle_minutes, OrgSettings.session_max_hours)
         .join(User, User.id == _sessions.c.user_id)
         .outerjoin(OrgSettings, OrgSettings.id == 1)
         .where(_sessions.c.token_hash == bindparam("token_hash"))
         .options(lazyload(User.school), lazyload(User.staff_group)))
_TOUCH = (update(_sessions).where(_sessions.c.id == bindparam("session_id"))
          .values(last_seen_at=bindparam("now", type_=_sessions.c.last_seen_at.type)))


class Found(NamedTuple):
    """A live session's record (its columns, not the token) and its person."""

    id: int
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    user_agent: str
    user: User


def find_session(session: Session, token: str, now: datetime) -> Found | None:
    """The live session and its active person for a cookie's id, else None (an expired record is deleted).

    One indexed query: the record, its person and the two limits from the settings row (only those columns:
    the row also holds the logo, which a save has no reason to fetch).
    """
    row = session.execute(_FIND, {"token_hash": hash_token(token)}).first()
    if row is None:
        return None
    found = Found(*row[:6])
    if not found.user.active:
        return None
    if not alive(session, found, Limits.from_values(row[6], row[7]), now):
        delete_session(session, found.id)
        return None
    if now - found.last_seen_at >= TOUCH_EVERY:
        session.execute(_TOUCH, {"session_id": found.id, "now": now})
    return found


def active_sessions(session: Session, user_id: int, now: datetime) -> list[UserSession]:
    """The person's sessions that have not run out, most recently used first."""
    limits = Limits.of(OrgSettings.current(session))
    return list(session.scalars(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.created_at > now - limits.maximum)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))


def purge_expired(session: Session, now: datetime) -> int:
    """Delete every session past its maximum or unused for the idle time with no quiz running; say how many."""
    limits = Limits.of(OrgSettings.current(session))
    running = select(Attempt.user_id).where(Attempt.state == AttemptState.IN_PROGRESS.value,
                                            Attempt.deadline_at > now - GRACE)
    gone = cast(CursorResult[Any], session.execute(delete(UserSession).where(
        (UserSession.created_at <= now - limits.maximum)
        | ((UserSession.last_seen_at <= now - limits.idle) & UserSession.user_id.not_in(running))),
        execution_options={"synchronize_session": False})).rowcount
    return int(gone or 0)


def delete_session(session: Session, session_id: int) -> None:
    """Delete one session by id (it may already be gone: "sign out everywhere" in another tab)."""
    session.execute(delete(UserSession).where(UserSession.id == session_id))


def delete_all_sessions(session: Session, user_id: int) -> int:
    """Delete every session of the person and say how many there were."""
    return cast(CursorResult[Any], session.execute(
        delete(UserSession).where(UserSession.user_id == user_id))).rowcount or 0
