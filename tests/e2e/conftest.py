"""Browser end-to-end fixtures: one real server and one Chromium for the whole session.

The server is the real app in its own process (see server.py), with CSRF and rate limits on, on its own
database (SQLite, or PostgreSQL when QUIZAPP_TEST_DATABASE_URL is set) and a clock the tests can move.
Without a working Chromium the tests skip, except under CI=true or QUIZAPP_REQUIRE_BROWSER=1, where they fail.
"""
from __future__ import annotations

import os
import secrets
import select
import subprocess  # nosec B404 - starts the app under test from this repository, no shell
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

import pytest
from flask import Flask

from quizapp import create_app
from quizapp.db import utcnow
from quizapp.extensions import db
from quizapp.migrate import upgrade

from ..dbs import temporary_database
from ..factories import DEFAULT_PASSWORD, make_course, make_user

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("QUIZAPP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def browser_required() -> bool:
    """CI (or an explicit request) turns a missing browser into a failure instead of a skip."""
    return os.environ.get("CI", "").lower() in ("true", "1") or os.environ.get("QUIZAPP_REQUIRE_BROWSER") == "1"


def tool_unavailable(reason: str) -> NoReturn:
    """Skip (or, under CI, fail) because a browser-test tool is missing, saying which and how to get it."""
    if browser_required():
        pytest.fail(f"Browser tests cannot run: {reason}. Chromium and poppler-utils are required when CI=true "
                    f"or QUIZAPP_REQUIRE_BROWSER=1 (install them with `make browser`).", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason} (install Debian's chromium and poppler-utils with "
                f"`make browser`; set QUIZAPP_REQUIRE_BROWSER=1 to make this a failure)")


@dataclass(frozen=True)
class Person:
    """A seeded person the browser can sign in as."""

    id: int
    email: str
    full_name: str
    password: str = DEFAULT_PASSWORD


@dataclass
class LiveServer:
    """The running server, its database (through an in-process app) and its movable clock."""

    url: str
    database_url: str
    clock_file: Path
    app: Flask
    log_file: Path
    _offset: float = field(default=0.0)

    @contextmanager
    def session(self) -> Iterator[Any]:
        """A database session on the server's database (commit yourself)."""
        with self.app.app_context():
            yield db.session

    def add_person(self, role: str = "staff", **kwargs: Any) -> Person:
        """Create a person with the default password."""
        with self.session() as session:
            user = make_user(session, role, **kwargs)
            session.commit()
            return Person(user.id, user.email, user.full_name)

    def add_course(self, **kwargs: Any) -> int:
        """Create an active course over a fresh bank; returns its id."""
        with self.session() as session:
            course = make_course(session, **kwargs)
            session.commit()
            return course.id

    def now(self) -> datetime:
        """The server's current time."""
        return utcnow() + timedelta(seconds=self._offset)

    def shift(self, seconds: float) -> None:
        """Move the server's clock forward (or back) by this many seconds."""
        self._offset += seconds
        self.clock_file.write_text(repr(self._offset))

    def set_now(self, moment: datetime) -> None:
        """Make the server's clock read `moment` now (and run on from there)."""
        self.shift((moment - self.now()).total_seconds())

    def reset_clock(self) -> None:
        """Back to real time."""
        self.shift(-self._offset)


def _backend() -> str:
    return "postgresql" if os.environ.get("QUIZAPP_TEST_DATABASE_URL") else "sqlite"


def _start_server(database_url: str, clock_file: Path, instance: Path, log_file: Path) -> tuple[subprocess.Popen, int]:
    env = {**os.environ, "QUIZAPP_E2E_SECRET_KEY": secrets.token_urlsafe(32), "PYTHONUNBUFFERED": "1"}
    env.pop("QUIZAPP_REDIS_URL", None)  # the server's rate limits live in its own memory
    with log_file.open("wb") as log:
        process = subprocess.Popen(  # nosec B603 - fixed argument list, this interpreter
            [sys.executable, "-m", "tests.e2e.server", database_url, str(clock_file), str(instance)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log)
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 60)
    line = process.stdout.readline().decode().strip() if ready else ""
    if not line.isdigit():
        process.kill()
        raise RuntimeError(f"the e2e server did not start: {log_file.read_text()[-3000:]}")
    return process, int(line)


def _wait_healthy(url: str, process: subprocess.Popen, log_file: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # nosec B310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the e2e server is not healthy: {log_file.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def live_server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real app served over HTTP on 127.0.0.1, on a fresh migrated database, for the session."""
    tmp = tmp_path_factory.mktemp("e2e")
    clock_file, log_file, instance = tmp / "clock-offset", tmp / "server.log", tmp / "instance"
    instance.mkdir()
    clock_file.write_text("0")
    with temporary_database(_backend(), tmp) as database_url:
        app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "e2e-seeding-only", "TESTING": True})
        app.instance_path = str(instance)
        with app.app_context():
            upgrade()
        process, port = _start_server(database_url, clock_file, instance, log_file)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process, log_file)
            yield LiveServer(url, database_url, clock_file, app, log_file)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            db.dispose(app)


@pytest.fixture()
def context(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh browser profile (no cookies) per test."""
    ctx = browser.new_context(base_url=live_server.url, accept_downloads=True, locale="en-GB")
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture()
def page(context: Any, live_server: LiveServer) -> Iterator[Any]:
    """A page that fails the test on any script error or console error the app causes."""
    errors: list[str] = []
    pg = context.new_page()
    pg.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    pg.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    pg.on("dialog", lambda dialog: errors.append(f"unexpected dialog: {dialog.message}") or dialog.dismiss())
    pg.console_errors = errors
    yield pg
    unexpected = [e for e in errors if not _expected_console_error(e)]
    assert not unexpected, f"the browser reported errors: {unexpected}"


def _expected_console_error(message: str) -> bool:
    # Pages answered on purpose with 4xx (403/404 pages, refused late saves) log a failed resource load.
    return "Failed to load resource: the server responded with a status of 4" in message


def sign_in(page: Any, person: Person) -> None:
    """Sign in through the real form, by accessible names."""
    page.goto("/sign-in")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def check_accessibility(page: Any, what: str) -> None:
    """Run axe-core on the page for WCAG 2.0/2.1/2.2 A and AA and fail with its report on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.violations_count == 0, f"{what} ({page.url}):\n{results.generate_report()}"


def build_and_download_pack(page: Any, live_server: LiveServer, path: Path, check: bool = False) -> Path:
    """Press "Build the evidence pack" on the dashboard shown, run the job as the worker would, download it."""
    import sqlalchemy as sa
    from playwright.sync_api import expect

    from quizapp.jobs.bulk import run_job
    from quizapp.models import BulkJob

    page.get_by_role("button", name="Build the evidence pack").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Waiting to start")
    if check:
        check_accessibility(page, "evidence pack, waiting for the worker")
    with live_server.session() as session:
        job_id = session.scalar(sa.select(sa.func.max(BulkJob.id)))
    # The server's queue has no worker here: run the job in this process, as the worker's task would.
    assert run_job(live_server.app, job_id) == "ready"
    link = page.get_by_role("link", name="Download the evidence pack")
    expect(link).to_be_visible(timeout=15000)  # no reload: the script
    expect(status).to_have_text("Ready.")
    if check:
        check_accessibility(page, "evidence pack, ready")
    with page.expect_download() as download:
        link.click()
    download.value.save_as(path)
    return path
