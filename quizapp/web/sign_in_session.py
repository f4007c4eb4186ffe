"""The sign-in cookie and its server-side record: Flask-Login stores only the record's random id."""
from __future__ import annotations

from flask import g, request, session
from flask_login import login_user, logout_user

from ..config import now
from ..extensions import db
from ..models import User
from ..people.session_store import SessionInfo, find_session, start_session
from ..people.session_store import end_this_session as end_stored

# Flask-Login's own session key: it holds the random id, never the person's id.
USER_KEY = "_user_id"


def begin_session(user: User) -> None:
    """Sign the person in on this browser: a fresh cookie session carrying a new record's random id."""
    session.clear()  # a fresh session at sign-in defeats session fixation
    token = start_session(db.session, user, request.headers.get("User-Agent", ""), now())
    login_user(user)
    session[USER_KEY] = token


def current_session() -> SessionInfo | None:
    """The record of this request's session, once Flask-Login has loaded the person."""
    found: SessionInfo | None = g.get("user_session")
    return found


def load_user(token: str) -> User | None:
    """Flask-Login's loader: the person of a live session record, else None (signed out)."""
    found = find_session(db.session, token, now())
    if found is None:
        return None
    g.user_session = found[0]
    return found[1]


def end_this_session() -> None:
    """Sign out on this browser: delete the record (so a copy of the cookie is refused) and clear the cookie."""
    found = current_session()
    if found is not None:  # by id, as "sign out everywhere" may already have removed it
        end_stored(db.session, found)
    logout_user()
    session.clear()
