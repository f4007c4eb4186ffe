"""The mail outbox under load: "Send reminders now" for N people due, an SMTP relay taking 200 ms a message.

Two runs, each on a fresh database and queue: one with no interruptions (every message exactly once), then one
where a worker is killed with SIGKILL twice mid-run and started again (nothing lost, at most one duplicate per
kill). Each worker is `flask --app quizapp worker --workers 1`, so a kill interrupts one message at most.

    .venv/bin/python bench/queue_outbox.py                  # 1,000 people, 8 workers, SQLite queue
    .venv/bin/python bench/queue_outbox.py --redis redis://127.0.0.1:6379/14
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from quizapp import create_app  # noqa: E402
from quizapp.extensions import db  # noqa: E402
from quizapp.jobs.queue import get_huey  # noqa: E402
from quizapp.migrate import upgrade  # noqa: E402
from quizapp.models import CourseRequirement, OutboxMessage  # noqa: E402
from tests.factories import DEFAULT_PASSWORD, get_or_create_group, make_course, make_user  # noqa: E402
from tests.smtp import Inbox, start_server  # noqa: E402

FLASK = str(Path(sys.executable).with_name("flask"))
SECRET = "bench-secret-key-not-for-production"


def _app(folder: Path, inbox: Inbox, redis: str | None, workers: int) -> Any:
    queue = {"REDIS_URL": redis} if redis else {"QUEUE_FILE": str(folder / "queue.sqlite3")}
    app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "SERVER_NAME": "quizapp.test",
                      "QUEUE_NAME": f"bench-{uuid.uuid4().hex[:8]}", "MAIL_HOST": "127.0.0.1",
                      "MAIL_PORT": inbox.port, "MAIL_TLS": "none", "MAIL_LEASE_SECONDS": 5, "WORKERS": workers,
                      **queue})
    app.instance_path = str(folder)
    with app.app_context():
        upgrade()
    return app


def _people(app: Any, count: int) -> str:
    with app.app_context():
        s = db.session
        course = make_course(s, title="Child protection")
        s.add(CourseRequirement(course_id=course.id, staff_group_id=get_or_create_group(s, "Teaching staff").id))
        for _ in range(count):
            make_user(s)
        dsl = make_user(s, "dsl", group="Safeguarding team")
        s.commit()
        return dsl.email


def _worker(app: Any, log: Path) -> subprocess.Popen[bytes]:
    config = app.config
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZAPP_")}
    for name in ("DATABASE_URL", "QUEUE_NAME", "QUEUE_FILE", "REDIS_URL", "MAIL_HOST", "MAIL_PORT", "MAIL_TLS",
                 "MAIL_LEASE_SECONDS"):
        if config.get(name) is not None:
            env[f"QUIZAPP_{name}"] = str(config[name])
    env["QUIZAPP_SECRET_KEY"] = SECRET
    return subprocess.Popen([FLASK, "--app", "quizapp", "worker", "--workers", "1", "--no-periodic"], env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _sent(app: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.state == "sent")) or 0


def run(count: int, workers: int, redis: str | None, kills: int) -> dict[str, Any]:
    """One run: queue `count` reminders by the DSL page, send them with `workers` consumers, kill `kills` times."""
    inbox, controller = start_server(delay=0.2)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        app = _app(folder, inbox, redis, workers)
        client = app.test_client()
        client.post("/sign-in", data={"email": _people(app, count), "password": DEFAULT_PASSWORD})
        started = time.monotonic()
        response = client.post("/dsl/reminders/", data={})
        request_seconds = time.monotonic() - started
        assert response.status_code == 302, response.status_code
        log = Path(os.environ.get("BENCH_WORKER_LOG") or folder / "worker.log")
        processes = [_worker(app, log) for _ in range(workers)]
        sending = time.monotonic()
        for kill in range(kills):
            while len(inbox.messages) < count * (kill + 1) // (kills + 1):
                time.sleep(0.05)
            victim = processes.pop(0)
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            processes.append(_worker(app, log))
        while _sent(app) < count:
            time.sleep(0.2)
        elapsed = time.monotonic() - sending
        first_to_last = inbox.times[-1] - inbox.times[0]
        time.sleep(1)  # any late duplicate arrives
        status = client.get(response.headers["Location"] + "/status").get_json()
        for process in processes:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
        if redis:
            get_huey(app).storage.flush_all()
        db.dispose(app)
    controller.stop()
    counts = Counter(rcpt[0] for rcpt in inbox.recipients)
    return {"people": count, "workers": workers, "kills": kills, "request_s": round(request_seconds, 3),
            "start_to_all_sent_s": round(elapsed, 1), "first_to_last_mail_s": round(first_to_last, 1),
            "delivered": len(counts), "lost": count - len(counts),
            "duplicates": sum(counts.values()) - len(counts), "page": status}


def main() -> None:
    """Run both scenarios and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--redis", help="a Redis URL for the queue (default: SQLite file)")
    args = parser.parse_args()
    for kills in (0, 2):
        print(run(args.people, args.workers, args.redis, kills), flush=True)


if __name__ == "__main__":
    main()
