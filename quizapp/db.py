"""Engine, one session per app context (one transaction per request) and the declarative base."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from flask import Flask, current_app
from flask.globals import app_ctx
from sqlalchemy import DateTime, Integer, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from . import alone

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
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Mark a stored naive UTC value as aware UTC."""
        return None if value is None else value.replace(tzinfo=timezone.utc)


class position_of(FunctionElement[int]):  # noqa: N801  (used like func.*)
    """position_of(text, part): where `part` starts in `text` (from 1; 0 if absent), matching case exactly.

    LIKE would do, but SQLite's ignores case; this is instr() there and strpos() on PostgreSQL.
    """

    type = Integer()
    inherit_cache = True
    name = "position_of"


@compiles(position_of)
def _instr(element: position_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(position_of, "postgresql")
def _strpos(element: position_of, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(timezone.utc)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout so it behaves like a server."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _scope() -> int:
    return id(app_ctx._get_current_object())


class Database:
    """Holds the per-app engine and a session scoped to the current app context."""

    def __init__(self) -> None:
        self.session: scoped_session[Session] = scoped_session(self._new_session, scopefunc=_scope)

    @staticmethod
    def _new_session() -> Session:
        return Session(bind=current_app.extensions["quizapp.engine"], expire_on_commit=False)

    def init_app(self, app: Flask) -> None:
        """Bind an engine to the app and close the session at the end of each app context."""
        engine = app.extensions["quizapp.engine"] = make_engine(app.config["DATABASE_URL"])
        app.extensions["quizapp.autocommit_engine"] = alone.autocommit_engine(engine)

        @app.teardown_appcontext
        def _remove_session(exc: BaseException | None) -> None:
            if exc is not None and self.session_started:
                self.session.rollback()
            self.session.remove()

    @staticmethod
    def dispose(app: Flask) -> None:
        """Close the pooled connections of the app's engines (before its database is dropped, say)."""
        for name in ("quizapp.autocommit_engine", "quizapp.engine"):
            app.extensions[name].dispose()

    @property
    def engine(self) -> Engine:
        """The current app's engine."""
        return current_app.extensions["quizapp.engine"]

    @property
    def session_started(self) -> bool:
        """Whether this app context has used its session (a request that never did has nothing to commit)."""
        return self.session.registry.has()

    def execute_alone(self, statement: ClauseElement, values: Mapping[str, Any]) -> int:
        """Run one idempotent statement as its own transaction, outside the request's session; rows matched."""
        return alone.execute_alone(current_app.extensions["quizapp.autocommit_engine"], statement, values)
