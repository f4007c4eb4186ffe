"""Fixtures: an app per database backend, migrated once, emptied between tests."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text

from quizapp import create_app
from quizapp.extensions import db
from quizapp.migrate import upgrade
from quizapp.models import Base

from .clock import Clock
from .dbs import backends, temporary_database
from .factories import DEFAULT_PASSWORD, make_cast
from .smtp import Inbox, start_server

# Tests that are not about the queue send queued mail at once, in-process, through the same task the worker
# runs (Huey's immediate mode); tests/queue runs real consumers instead.
TEST_CONFIG = {"TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production",
               "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "SERVER_NAME": "quizapp.test",
               "QUEUE_IMMEDIATE": True}


@pytest.fixture(scope="session", params=backends())
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database per backend for the whole run."""
    with temporary_database(request.param, tmp_path_factory.mktemp("db")) as url:
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        with app.app_context():
            upgrade()
        db.dispose(app)
        yield url


def _empty_tables(app: Flask) -> None:
    engine = app.extensions["quizapp.engine"]
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


def build_app(database_url: str, tmp_path: Path, **overrides: object) -> Flask:
    """Create a test app on the given database with an instance folder under tmp_path."""
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, **overrides})
    app.instance_path = str(tmp_path / "instance")
    return app


@pytest.fixture()
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """A fresh app on an emptied database."""
    application = build_app(database_url, tmp_path)
    _empty_tables(application)
    yield application
    db.dispose(application)


@pytest.fixture()
def session(app: Flask) -> Iterator:
    """The app's database session inside an app context."""
    with app.app_context():
        yield db.session


@pytest.fixture()
def clock(app: Flask) -> Clock:
    """The app's clock, fixed at 23 November 2026 09:00 UTC until a test moves it."""
    fixed = Clock()
    app.config["CLOCK"] = fixed
    return fixed


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    """A test client for the app."""
    return app.test_client()


def sign_in(client: FlaskClient, email: str, password: str = DEFAULT_PASSWORD):
    """Post the sign-in form and return the response."""
    return client.post("/sign-in", data={"email": email, "password": password})


@pytest.fixture()
def people(app: Flask) -> dict:
    """A small cast: admin, two DSLs in two schools, two staff in school A, one in school B."""
    with app.app_context():
        cast = make_cast(db.session)
        db.session.commit()
        return {key: user.id for key, user in cast.items()} | {
            f"{key}_email": user.email for key, user in cast.items()}


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis used for shared rate limits; required (not skipped) when QUIZAPP_TEST_REDIS_URL is set."""
    import os

    import redis

    url = os.environ.get("QUIZAPP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("QUIZAPP_TEST_REDIS_URL") or os.environ.get("CI"):
            pytest.fail(f"Redis at {url} does not answer: {exc}")
        pytest.skip(f"Redis not running at {url} (set QUIZAPP_TEST_REDIS_URL to require it)")
    return url


@contextmanager
def counted_statements(app: Flask) -> Iterator[list[str]]:
    """Collect every SQL statement sent to the app's database while the block runs."""
    engine = app.extensions["quizapp.engine"]
    statements: list[str] = []

    def before(_conn, _cursor, statement, _params, _context, _many):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture()
def queries(app: Flask) -> Callable[[], AbstractContextManager[list[str]]]:
    """`with queries() as seen:` collects the SQL statements the block sends (the one query counter)."""
    return lambda: counted_statements(app)


@pytest.fixture()
def smtp_inbox() -> Iterator[Inbox]:
    """A plain SMTP server (aiosmtpd) that records what it receives."""
    inbox, controller = start_server()
    yield inbox
    controller.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole session, shared by every browser test (Debian's, never a downloaded build)."""
    from .e2e.conftest import CHROMIUM, CHROMIUM_ARGS, tool_unavailable

    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        tool_unavailable(f"Playwright for Python is not installed ({exc})")
    if not Path(CHROMIUM).exists():
        tool_unavailable(f"no Chromium at {CHROMIUM}")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except PlaywrightError as exc:
        playwright.stop()
        tool_unavailable(f"Chromium at {CHROMIUM} did not start ({str(exc).splitlines()[0]})")
    yield chromium
    chromium.close()
    playwright.stop()
