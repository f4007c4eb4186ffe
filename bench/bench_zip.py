"""Streaming the admin "Download all as ZIP": seconds and peak memory for 1,000 certificates.

Usage: .venv/bin/python bench/bench_zip.py [-n 1000] [--keep DIR]
Builds a temporary SQLite database with n certificates issued the real way (issue_for renders and stores
each PDF; every holder has a different name), then, in a fresh process per measurement, signs in as an
admin and streams /admin/certificates/download.zip through the Flask test client chunk by chunk, as a
server would, writing the chunks to a file. Smaller subsets (by the "Issued to" filter) show whether
memory grows with the number of files. Each size is run twice: once plain for time and RSS, once under
tracemalloc for the peak of Python allocations (tracemalloc slows allocation, so its time is not used).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quizapp import create_app
from quizapp.certificates.issue import issue_for
from quizapp.extensions import db
from quizapp.migrate import upgrade
from quizapp.models import Attempt, Course, School, User
from quizapp.people.accounts import hash_password

CONFIG = {"TESTING": True, "SECRET_KEY": "bench-only-secret", "WTF_CSRF_ENABLED": False,
          "RATELIMIT_ENABLED": False, "SERVER_NAME": "training.example"}
PASSWORD = "bench password 2026"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
STEP = timedelta(hours=7)  # 1,000 certificates spread over about ten months
FIRST = ["Zoë", "Łukasz", "Gwenllïan", "Priya", "Oluwaseun", "Siobhán", "Mohammed", "Ffion", "Jack", "Aisha"]
LAST = ["Ó Súilleabháin", "Wróblewski", "Ŵyn", "Natarajan", "Adeyemi", "Featherstonehaugh-Cholmondeley",
        "Smith", "Ahmed", "Llewellyn-Jones", "Nguyen"]


def _app(url: str):
    return create_app({**CONFIG, "DATABASE_URL": url})


def _attempt(user: User, course: Course, when: datetime) -> Attempt:
    return Attempt(user_id=user.id, course_id=course.id, state="finished", started_at=when - timedelta(minutes=9),
                   deadline_at=when + timedelta(minutes=1), finished_at=when, finish_reason="submitted",
                   time_limit_seconds=600, pass_mark_pct=80, score_pct=90, correct_count=9, passed=True)


def build(url: str, count: int) -> None:
    """Migrate a fresh database and issue count certificates, each with its own rendered PDF."""
    app = _app(url)
    rng = random.Random(2026)
    with app.app_context():
        upgrade()
        s = db.session
        school = School(name="Riverside Primary School")
        courses = [Course(title=title, validity_months=12) for title in
                   ("Safeguarding children: annual refresher", "Prevent duty", "Online safety for staff")]
        s.add_all([school, *courses])
        s.add(User(email="admin@bench.example", first_name="Bench", last_name="Admin", role="admin",
                   school=school, password_hash=hash_password(PASSWORD)))
        s.flush()
        started = time.perf_counter()
        for i in range(count):
            user = User(email=f"person{i}@bench.example", first_name=" ".join([rng.choice(FIRST)] * rng.randint(1, 2)),
                        last_name=rng.choice(LAST), role="staff", school=school)
            s.add(user)
            s.flush()
            attempt = _attempt(user, courses[i % 3], START + i * STEP)
            s.add(attempt)
            s.flush()
            issue_for(s, attempt, attempt.finished_at, "https://training.example/")
            if i % 100 == 99:
                s.commit()
        s.commit()
        print(f"built {count} certificates in {time.perf_counter() - started:.1f} s "
              f"({Path(url.removeprefix('sqlite:///')).stat().st_size / 1e6:.1f} MB database)", flush=True)
    db.dispose(app)


def _status_mb(field: str) -> float:
    """A memory figure from /proc/self/status (VmRSS now, VmHWM the high-water mark), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_high_water_mark() -> None:
    # Signing in runs scrypt, which briefly takes 32 MB; reset the mark so it reflects only the download.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def stream(url: str, issued_to: str | None, out: Path, trace: bool) -> dict[str, float]:
    """Sign in as the admin and stream the ZIP to a file; return timings and memory."""
    app = _app(url)
    client = app.test_client()
    assert client.post("/sign-in", data={"email": "admin@bench.example", "password": PASSWORD}).status_code == 302
    query = {"issued_to": issued_to} if issued_to else {}
    _reset_high_water_mark()
    rss_before = _status_mb("VmRSS")
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/admin/certificates/download.zip", query_string=query, buffered=False)
    size = chunks = 0
    with out.open("wb") as handle:
        for chunk in response.iter_encoded():
            handle.write(chunk)
            size, chunks = size + len(chunk), chunks + 1
    response.close()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else 0.0
    if trace:
        tracemalloc.stop()
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert archive.testzip() is None and len(set(names)) == len(names)
    return {"files": len(names) - 1, "seconds": seconds, "mb": size / 1e6, "chunks": chunks,
            "rss_before": rss_before, "max_rss": _status_mb("VmHWM"),
            "traced_peak": peak}


def _child(url: str, issued_to: str | None, out: Path, trace: bool) -> dict[str, float]:
    args = [sys.executable, __file__, "--child", url, "--out", str(out)] + (["--trace"] if trace else [])
    args += ["--issued-to", issued_to] if issued_to else []
    result = subprocess.run(args, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    """Build the database, then measure each size in its own process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="certificates to create (default 1000)")
    parser.add_argument("--keep", type=Path, help="build the database in this folder and keep it")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--issued-to", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(stream(args.child, args.issued_to, args.out, args.trace)))
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-zip-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}", flush=True)
    build(url, args.n)
    print(f"{'files':>6} {'seconds':>8} {'ZIP MB':>7} {'chunks':>7} {'RSS before':>11} {'peak RSS':>9} "
          f"{'traced peak':>12}")
    for share in (0.1, 0.5, 1.0):
        last = START + (max(1, round(args.n * share)) - 1) * STEP
        issued_to = None if share == 1.0 else last.date().isoformat()
        timed = _child(url, issued_to, folder / "out.zip", trace=False)
        traced = _child(url, issued_to, folder / "out.zip", trace=True)
        print(f"{timed['files']:>6} {timed['seconds']:>8.2f} {timed['mb']:>7.1f} {timed['chunks']:>7} "
              f"{timed['rss_before']:>9.1f}MB {timed['max_rss']:>7.1f}MB {traced['traced_peak']:>10.2f}MB", flush=True)


if __name__ == "__main__":
    main()
