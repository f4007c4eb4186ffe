"""The DSL's "Build the evidence pack" for 1,000 staff: the worker's build in seconds, and peak memory.

Usage: .venv/bin/python bench/evidence_pack.py [-n 1000] [--keep DIR]
Builds a temporary SQLite database with n staff in one school, three courses required of their group, one
certificate each issued the real way (issue_for renders and stores the PDF) and, for every fourth person,
approved training done elsewhere mapped to another course with a PDF as evidence, and three policies for all
staff, two of which four in five people acknowledged (so most have a receipts PDF). Then, in a fresh process,
signs in as the school's DSL, presses "Build the evidence pack" through the Flask test client (the request only
records the job and queues it) and runs the job as the worker's task does, writing the ZIP to its file; it
reports the request's time, the build's time, the ZIP's size and the process's peak RSS (the high-water mark is
reset after signing in, so scrypt's 32 MB does not count). The downloaded archive is checked afterwards.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_zip import FIRST, LAST, _reset_high_water_mark, _status_mb
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from quizapp import create_app
from quizapp.certificates.issue import issue_for
from quizapp.extensions import db
from quizapp.jobs.bulk import run_job
from quizapp.migrate import upgrade
from quizapp.models import Attempt, Course, CourseRequirement, Policy, School, StaffGroup, User
from quizapp.people.accounts import hash_password
from quizapp.policies.acknowledge import acknowledge
from quizapp.policies.documents import check_markdown
from quizapp.policies.publish import PolicyInput, VersionInput, create_policy
from quizapp.training.evidence import check_evidence
from quizapp.training.records import TrainingDetails, approve, record_training, store_evidence

CONFIG = {"TESTING": True, "SECRET_KEY": "bench-only-secret", "WTF_CSRF_ENABLED": False,
          "RATELIMIT_ENABLED": False, "SERVER_NAME": "training.example"}
PASSWORD = "bench password 2026"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TITLES = ("Safeguarding children: annual refresher", "Prevent duty", "Online safety for staff")
POLICIES = ("Child protection policy", "Staff code of conduct", "Keeping Children Safe in Education: Part one")


def _pdf(text: str) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.drawString(72, 720, text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _attempt(user: User, course: Course, when: datetime) -> Attempt:
    return Attempt(user_id=user.id, course_id=course.id, state="finished", started_at=when - timedelta(minutes=9),
                   deadline_at=when + timedelta(minutes=1), finished_at=when, finish_reason="submitted",
                   time_limit_seconds=600, pass_mark_pct=80, score_pct=90, correct_count=9, passed=True)


def _policies(s, by: User) -> list[Policy]:
    """Three policies for all staff, in effect for two months."""
    effective = NOW.date() - timedelta(days=60)
    return [create_policy(s, PolicyInput(title, "Headteacher", True, 14, NOW.date() + timedelta(days=300)),
                          VersionInput("1.0", effective, check_markdown(f"# {title}\n\nRead it all.\n")), by,
                          NOW - timedelta(days=61)) for title in POLICIES]


def _person(s, rng: random.Random, i: int, school: School, group: StaffGroup, courses: list[Course],
            dsl: User, policies: list[Policy]) -> None:
    user = User(email=f"person{i}@bench.example", first_name=rng.choice(FIRST), last_name=rng.choice(LAST),
                role="staff", school=school, staff_group=group, created_at=NOW - timedelta(days=400))
    s.add(user)
    s.flush()
    attempt = _attempt(user, courses[i % 3], NOW - timedelta(days=1 + i % 300))
    s.add(attempt)
    s.flush()
    issue_for(s, attempt, attempt.finished_at, "https://training.example/")
    if i % 5:
        for policy in policies[:2]:
            version = policy.versions[0]
            acknowledge(s, user, version, version.sha256, NOW - timedelta(days=1 + i % 50))
    if i % 4 == 0:
        evidence = store_evidence(s, check_evidence(_pdf(f"Attendance {i}"), "certificate.pdf"), user, NOW)
        details = TrainingDetails("County Level 2 safeguarding", "County council", NOW.date() - timedelta(days=30),
                                  180, course_id=courses[(i + 1) % 3].id)
        approve(s, record_training(s, user, details, evidence, user, NOW - timedelta(days=2)), dsl,
                NOW - timedelta(days=1))


def build(url: str, count: int) -> None:
    """Migrate a fresh database and add the school, its DSL, the courses and count staff with their records."""
    app = create_app({**CONFIG, "DATABASE_URL": url})
    rng = random.Random(2026)
    with app.app_context():
        upgrade()
        s = db.session
        school, group = School(name="Riverside Primary School"), StaffGroup(name="Teaching staff")
        courses = [Course(title=title, validity_months=12) for title in TITLES]
        dsl = User(email="dsl@bench.example", first_name="Bench", last_name="DSL", role="dsl", school=school,
                   password_hash=hash_password(PASSWORD), created_at=NOW - timedelta(days=400))
        s.add_all([school, group, dsl, *courses])
        s.flush()
        s.add_all([CourseRequirement(course_id=c.id, staff_group_id=group.id) for c in courses])
        policies = _policies(s, dsl)
        started = time.perf_counter()
        for i in range(count):
            _person(s, rng, i, school, group, courses, dsl, policies)
            if i % 100 == 99:
                s.commit()
        s.commit()
        print(f"built {count} staff in {time.perf_counter() - started:.1f} s "
              f"({Path(url.removeprefix('sqlite:///')).stat().st_size / 1e6:.1f} MB database)", flush=True)
    db.dispose(app)


def stream(url: str, out: Path) -> dict[str, float]:
    """Sign in as the DSL, ask for the pack, run its job as the worker would; the times, size and memory."""
    app = create_app({**CONFIG, "DATABASE_URL": url, "CLOCK": lambda: NOW, "QUEUE_IMMEDIATE": False,
                      "QUEUE_FILE": str(out.with_name("queue.sqlite3")), "JOB_FILES_DIR": str(out.parent / "jobs")})
    client = app.test_client()
    assert client.post("/sign-in", data={"email": "dsl@bench.example", "password": PASSWORD}).status_code == 302
    _reset_high_water_mark()
    rss_before = _status_mb("VmRSS")
    started = time.perf_counter()
    posted = client.post("/dsl/evidence-pack")
    asked = time.perf_counter() - started
    assert posted.status_code == 302, posted.status_code
    job_id = int(posted.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    started = time.perf_counter()
    assert run_job(app, job_id) == "ready"
    seconds = time.perf_counter() - started
    max_rss = _status_mb("VmHWM")
    response = client.get(f"/dsl/evidence-pack/{job_id}/download")
    out.write_bytes(response.data)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert archive.testzip() is None and len(set(names)) == len(names)
        pages = len(PdfReader(io.BytesIO(archive.read("summary.pdf"))).pages)
    return {"files": len(names), "seconds": seconds, "asked": asked, "mb": out.stat().st_size / 1e6,
            "pages": pages, "rss_before": rss_before, "max_rss": max_rss}


def main() -> None:
    """Build the database, then measure the pack's job in its own process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="staff to create (default 1000)")
    parser.add_argument("--keep", type=Path, help="build the database in this folder and keep it")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(stream(args.child, args.out)))
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-pack-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}", flush=True)
    if not (folder / "bench.sqlite3").exists():
        build(url, args.n)
    result = subprocess.run([sys.executable, __file__, "--child", url, "--out", str(folder / "pack.zip")],
                            check=True, capture_output=True, text=True)
    r = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"{r['files']} files, {r['pages']} summary pages, {r['mb']:.1f} MB ZIP: request {r['asked'] * 1000:.0f} ms, "
          f"build {r['seconds']:.2f} s, RSS {r['rss_before']:.1f} MB before, peak {r['max_rss']:.1f} MB", flush=True)


if __name__ == "__main__":
    main()
