"""Where sign-in sessions live: one interface, a database store and a Redis store, chosen once per app.

Everything that starts, finds, lists or ends sessions goes through the functions at the end of this module, which
use the app's store and keep the audit trail the same whichever store it is.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy.orm import Session

from ..audit import record
from ..models import User, UserSession
from . import sessions as db_sessions

KEY = "quizapp.session_store"


@dataclass(frozen=True)
class SessionInfo:
    """One live sign-in, as either store describes it; `id` is public (URLs, "this session") and not the token."""

    id: str
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    user_agent: str


class SessionStore(Protocol):
    """What the app needs of a session store; `session` is the request's database session."""

    def start(self, session: Session, user: User, user_agent: str, now: datetime) -> str:
        """Record a new sign-in and return its random token (for the cookie)."""

    def find(self, session: Session, token: str, now: datetime) -> tuple[SessionInfo, User] | None:
        """The live session and its active person for a cookie's token, else None (a dead record is removed)."""

    def list(self, session: Session, user_id: int, now: datetime) -> list[SessionInfo]:
        """The person's sessions within their lifetime, most recently used first."""

    def owned(self, session: Session, user_id: int, session_id: str) -> SessionInfo | None:
        """The person's session with this public id, else None."""

    def delete(self, session: Session, found: SessionInfo) -> None:
        """End one session (it may already be gone)."""

    def delete_all(self, session: Session, user_id: int) -> int:
        """End every session of the person and say how many there were."""

    def purge(self, session: Session, now: datetime) -> int:
        """Remove the sessions that have run out and say how many."""


def _info(row: UserSession | db_sessions.Found) -> SessionInfo:
    return SessionInfo(str(row.id), row.user_id, row.created_at, row.last_seen_at, row.user_agent)


class DatabaseStore:
    """Sessions in the user_session table (quizapp.people.sessions): the embedded default."""

    def start(self, session: Session, user: User, user_agent: str, now: datetime) -> str:
        """Record a new sign-in and return its random token."""
        return db_sessions.start_session(session, user, user_agent, now)

    def find(self, session: Session, token: str, now: datetime) -> tuple[SessionInfo, User] | None:
        """One indexed query for the session, its person and the limits."""
        found = db_sessions.find_session(session, token, now)
        return None if found is None else (_info(found), found.user)

    def list(self, session: Session, user_id: int, now: datetime) -> list[SessionInfo]:
        """The person's sessions within their lifetime, most recently used first."""
        return [_info(s) for s in db_sessions.active_sessions(session, user_id, now)]

    def owned(self, session: Session, user_id: int, session_id: str) -> SessionInfo | None:
        """The person's session with this id, else None."""
        found = session.get(UserSession, int(session_id)) if session_id.isdigit() else None
        return _info(found) if found is not None and found.user_id == user_id else None

    def delete(self, session: Session, found: SessionInfo) -> None:
        """Delete the row by id."""
        db_sessions.delete_session(session, int(found.id))

    def delete_all(self, session: Session, user_id: int) -> int:
        """Delete the person's rows."""
        return db_sessions.delete_all_sessions(session, user_id)

    def purge(self, session: Session, now: datetime) -> int:
        """Delete the rows past their lifetime or idle with no quiz running."""
        return db_sessions.purge_expired(session, now)


def build_store(config: Any) -> SessionStore:
    """Redis when SESSION_REDIS_URL (default QUIZAPP_REDIS_URL) is set, else the database; connects lazily."""
    url = config.get("SESSION_REDIS_URL") or config.get("REDIS_URL")
    if not url:
        return DatabaseStore()
    from .session_redis import RedisStore

    return RedisStore.from_url(str(url), str(config.get("SESSION_REDIS_PREFIX") or "quizapp:"))


def init_app(app: Flask) -> None:
    """Choose the app's session store once, at app creation."""
    app.extensions[KEY] = build_store(app.config)


def store() -> SessionStore:
    """The current app's session store."""
    chosen: SessionStore = current_app.extensions[KEY]
    return chosen


def start_session(session: Session, user: User, user_agent: str, now: datetime) -> str:
    """Record a new sign-in in the app's store and return its token (for the cookie)."""
    return store().start(session, user, user_agent, now)


def find_session(session: Session, token: str, now: datetime) -> tuple[SessionInfo, User] | None:
    """The live session and its person for a cookie's token, else None."""
    return store().find(session, token, now)


def active_sessions(session: Session, user: User, now: datetime) -> list[SessionInfo]:
    """The person's live sessions, most recently used first."""
    return store().list(session, user.id, now)


def owned_session(session: Session, user: User, session_id: str) -> SessionInfo | None:
    """The person's session with this public id, else None (someone else's is None too)."""
    return store().owned(session, user.id, session_id)


def end_this_session(session: Session, found: SessionInfo) -> None:
    """End the session a browser signs out of (its sign-out is audited by the caller)."""
    store().delete(session, found)


def end_session(session: Session, found: SessionInfo, actor: User) -> None:
    """End one session, audited with the browser it was on."""
    store().delete(session, found)
    record(session, actor, "session.end", f"user:{found.user_id}", subject=found.user_id, browser=found.user_agent)


def end_all_sessions(session: Session, user: User, actor: User | None, reason: str) -> int:
    """End every session of the person and say how many; audited with the reason."""
    ended = store().delete_all(session, user.id)
    session.flush()
    record(session, actor, "session.end_all", f"user:{user.id}", subject=user.id, reason=reason, count=ended)
    return ended


def purge_expired(session: Session, now: datetime) -> int:
    """Remove every session that has run out, in the app's store; say how many."""
    return store().purge(session, now)
