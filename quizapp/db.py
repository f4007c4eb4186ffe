"""Engine, one session per app context (one transaction per request) and the declarative base."""
from __future__ import annotations

import select
from datetime import UTC, datetime
from typing import Any, cast

from flask import Flask, current_app
from flask.globals import app_ctx
from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose metadata names every constraint, so migrations are portable."""

    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC and always returns aware UTC, identically on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Convert an aware datetime to naive UTC for storage."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Mark a stored naive UTC value as aware UTC."""
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _server_still_there(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Refuse a pooled PostgreSQL connection the server has ended, without a round trip; the pool opens another.

    An idle connection is sent nothing, so anything readable on its socket is the server's goodbye (the FATAL
    of a terminated backend or a shutdown) or the socket's close. A ping would ask the same question with a round
    trip on every request; a host that vanished without a word is caught instead by the failed statement, after
    which SQLAlchemy discards the connection.
    """
    if dbapi_connection.closed:
        raise DisconnectionError("the connection was closed")
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    if poller.poll(0):
        raise DisconnectionError("the server ended the connection")


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout so it behaves like a server."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    postgresql = make_url(url).get_backend_name() == "postgresql"
    engine = create_engine(url, pool_pre_ping=not postgresql)
    if postgresql:
        event.listen(engine, "checkout", _server_still_there)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _scope() -> int:
    return id(app_ctx._get_current_object())  # type: ignore[attr-defined]  # werkzeug LocalProxy method


class Database:
    """Holds the per-app engine and a session scoped to the current app context."""

    def __init__(self) -> None:
        # scoped_session calls any factory; its stubs ask for a sessionmaker, whose bind would be fixed too early.
        factory = cast("sessionmaker[Session]", self._new_session)
        self._scoped: scoped_session[Session] = scoped_session(factory, scopefunc=_scope)
        # The scoped proxy forwards every Session method, so domain code typed for a Session takes it as one.
        self.session: Session = cast(Session, self._scoped)

    @staticmethod
    def _new_session() -> Session:
        return Session(bind=current_app.extensions["quizapp.engine"], expire_on_commit=False)

    def init_app(self, app: Flask) -> None:
        """Bind an engine to the app and close the session at the end of each app context."""
        app.extensions["quizapp.engine"] = make_engine(app.config["DATABASE_URL"])

        @app.teardown_appcontext
        def _remove_session(exc: BaseException | None) -> None:
            if exc is not None and self.session_started:
                self.session.rollback()
            self._scoped.remove()

    @staticmethod
    def dispose(app: Flask) -> None:
        """Close the app engine's pooled connections (before its database is dropped, say)."""
        app.extensions["quizapp.engine"].dispose()

    @property
    def engine(self) -> Engine:
        """The current app's engine."""
        engine: Engine = current_app.extensions["quizapp.engine"]
        return engine

    @property
    def session_started(self) -> bool:
        """Whether this app context has used its session (a request that never did has nothing to commit)."""
        return self._scoped.registry.has()
