"""Setting up bench/load.py's run: a throwaway PostgreSQL database, its seed, and gunicorn on loopback."""
from __future__ import annotations

import os
import socket
import subprocess  # nosec B404 - starts gunicorn from this virtualenv on loopback
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.dbs import postgres_database

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load test password 2026"  # nosec B105 - a throwaway account in a throwaway database
QUESTIONS = 12



def temporary_database(server_url: str):
    """A fresh PostgreSQL database, dropped afterwards."""
    return postgres_database(server_url, prefix="quizapp_bench")


def migrate_and_seed(database_url: str, staff: int) -> int:
    """Migrate, then add `staff` people (one shared password hash) and a 12-question course; returns its id."""
    from quizapp import create_app
    from quizapp.extensions import db
    from quizapp.migrate import upgrade
    from quizapp.models import Course, CourseBank, Question, QuestionBank, School, StaffGroup, User
    from quizapp.people.accounts import hash_password

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "seeding"})
    with app.app_context():
        upgrade()
        session = db.session
        school, group, hashed = School(name="Load School"), StaffGroup(name="Load group"), hash_password(PASSWORD)
        session.add_all([User(email=f"load{i}@bench.test", first_name="Load", last_name=f"Staff {i}", role="staff",
                              school=school, staff_group=group, password_hash=hashed) for i in range(staff)])
        bank = QuestionBank(slug="load", title="Load bank", edition="2026-01", learning="Read this.",
                            sources=[{"id": "s", "title": "Source"}])
        session.add_all([Question(bank=bank, qid=f"q{i}", version=1, type="single", prompt=f"Question {i}?",
                                  options=[{"text": f"Option {i}.{k}", "correct": k == 0} for k in range(4)],
                                  explanation="Because.", source_id="s", source_title="Source", tags=[],
                                  content_hash=f"h{i}") for i in range(QUESTIONS)])
        course = Course(title="Load course", time_limit_minutes=120, pass_mark_pct=80, max_attempts_per_day=50,
                        cooldown_minutes=0, validity_months=12)
        course.banks = [CourseBank(bank=bank, question_count=QUESTIONS, position=0)]
        session.add(course)
        session.commit()
        course_id = course.id
    db.dispose(app)
    return course_id


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(module: str, workers: int, threads: int, env: dict[str, str], ready_path: str) -> Iterator[str]:
    """Serve `module` with gunicorn on a free loopback port until the block ends."""
    port = _free_port()
    command = [str(Path(sys.executable).with_name("gunicorn")), "--worker-class", "gthread", "--workers", str(workers),
               "--threads", str(threads),
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--backlog", "512",
               "--keep-alive", "30", module]  # keep-alive as behind a proxy: idle clients between phases
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})  # nosec B603 - fixed arguments
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + ready_path, timeout=2):  # nosec B310 - loopback
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"gunicorn {module} did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
