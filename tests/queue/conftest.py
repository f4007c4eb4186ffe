"""Real consumers for the queue tests: `flask --app quizapp worker` in a subprocess, on SQLite or Redis storage."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from quizapp.extensions import db
from quizapp.jobs.queue import get_huey
from quizapp.models import CourseRequirement

from ..conftest import TEST_CONFIG, _empty_tables, build_app
from ..factories import get_or_create_group, make_course, make_user
from ..smtp import Inbox, start_server

FLASK = str(Path(sys.executable).with_name("flask"))
LEASE, RETRY = 4.0, 0.2  # a live worker never holds a message this long; a killed one's comes round in time


BOTH_STORAGES = pytest.mark.parametrize("storage", ["sqlite", "redis"], indirect=True)


@pytest.fixture()
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """The queue's settings: Huey on a SQLite file (the default), or on Redis with @BOTH_STORAGES (skipped
    without Redis unless QUIZAPP_TEST_REDIS_URL or CI requires it)."""
    name = f"quizapp-test-{uuid.uuid4().hex[:12]}"  # each test its own queue
    if getattr(request, "param", "sqlite") == "redis":
        return {"QUEUE_NAME": name, "REDIS_URL": request.getfixturevalue("redis_url")}
    return {"QUEUE_NAME": name, "QUEUE_FILE": str(tmp_path / "queue.sqlite3")}


@pytest.fixture()
def smtp() -> Iterator[Inbox]:
    """A real SMTP server taking 50 ms a message."""
    inbox, controller = start_server(delay=0.05)
    yield inbox
    controller.stop()


@pytest.fixture()
def queued_app(database_url: str, tmp_path: Path, storage: dict[str, Any], smtp: Inbox) -> Iterator[Flask]:
    """An app whose mail goes to the real queue (no immediate mode) and then to the test SMTP server."""
    settings = {**storage, "QUEUE_IMMEDIATE": False, "MAIL_HOST": "127.0.0.1", "MAIL_PORT": smtp.port,
                "MAIL_TLS": "none", "MAIL_FROM": "training@school.test", "MAIL_LEASE_SECONDS": LEASE,
                "MAIL_RETRY_SECONDS": RETRY, "WORKERS": 2}
    app = build_app(database_url, tmp_path, **settings)
    _empty_tables(app)
    yield app
    if "REDIS_URL" in storage:
        get_huey(app).storage.flush_all()  # this test's queue only
    db.dispose(app)


@dataclass
class Worker:
    """A `flask --app quizapp worker` process for the app's queue and database."""

    app: Flask
    log: Path
    threads: int = 1
    extra: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    def environment(self) -> dict[str, str]:
        """QUIZAPP_* variables matching the test app's settings."""
        config = self.app.config
        env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZAPP_")}
        names = ("DATABASE_URL", "QUEUE_NAME", "QUEUE_FILE", "REDIS_URL", "MAIL_HOST", "MAIL_PORT", "MAIL_TLS",
                 "MAIL_FROM", "MAIL_LEASE_SECONDS", "MAIL_RETRY_SECONDS", "MAIL_PER_MINUTE", "MAIL_MAX_ATTEMPTS")
        env.update({f"QUIZAPP_{n}": str(config[n]) for n in names if config.get(n) is not None})
        env.update(QUIZAPP_SECRET_KEY=TEST_CONFIG["SECRET_KEY"], QUIZAPP_BASE_URL="http://quizapp.test/", **self.extra)
        return env

    def start(self) -> Worker:
        """Start the consumer."""
        handle = self.log.open("ab")
        self.process = subprocess.Popen([FLASK, "--app", "quizapp", "worker", "--workers", str(self.threads),
                                         "--no-periodic"],
                                        env=self.environment(), stdout=handle, stderr=subprocess.STDOUT)
        return self

    def kill(self) -> None:
        """kill -9: no chance to finish or mark anything."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), or kill if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture()
def worker(queued_app: Flask, tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    """Start consumers with `worker(threads=1)`; all are stopped at the end."""
    started: list[Worker] = []

    def start(threads: int = 1, **extra: str) -> Worker:
        process = Worker(queued_app, tmp_path / f"worker-{len(started)}.log", threads, extra).start()
        started.append(process)
        return process

    yield start
    for process in started:  # killed: a graceful stop is tested once, and waiting for it here costs seconds
        if process.process is not None and process.process.poll() is None:
            process.kill()


def wait_for(check: Callable[[], bool], seconds: float = 20.0, what: str = "the condition") -> None:
    """Poll until check() holds, failing after `seconds`."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {seconds:g} s waiting for {what}")
        time.sleep(0.05)


def staff_due(app: Flask, count: int) -> dict[str, Any]:
    """`count` members of teaching staff at School A with a required course not started, and their DSL."""
    with app.app_context():
        s = db.session
        course = make_course(s, title="Child protection")
        s.add(CourseRequirement(course_id=course.id, staff_group_id=get_or_create_group(s, "Teaching staff").id))
        people = [make_user(s) for _ in range(count)]
        dsl = make_user(s, "dsl", group="Safeguarding team")
        s.commit()
        return {"emails": sorted(p.email for p in people), "dsl_email": dsl.email, "school_id": dsl.school_id,
                "ids": {p.email: p.id for p in people}}
