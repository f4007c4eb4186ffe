"""Compliance dashboard (summary + 50-row matrix page) at 50 and at 5,000 staff: time per page and SQL statements.

Usage: .venv/bin/python bench/bench_matrix.py [--runs 9] [--database-url postgresql://postgres@127.0.0.1:5432/test]
                                              [--proposed-index] [--policies 3] [--material-edition]

Each size gets its own throw-away database: a temporary SQLite file by default, or, with --database-url, a new
database created on that PostgreSQL server and dropped afterwards. Data is bulk-inserted with executemany:
10 schools, 5 staff groups, 12 courses (each person must hold 6 to 8), 40 attempts per person spread over three
years (200,000 at 5,000 staff), a certificate for every pass (some lapsed, some revoked), and a few quizzes running.
Pages are fetched through the Flask test client signed in as an admin, so routing, queries and templates all count.
--proposed-index adds the certificate index suggested in bench/README.md (not in the migrations yet) before timing.
--policies N adds N policies in effect for two months (the last one for one staff group only, the others for all
staff), each acknowledged by about 70 % of those who must read it, so they count in the matrix and its figures.
"""
from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quizapp import create_app
from quizapp.certificates.issue import add_months
from quizapp.migrate import upgrade
from quizapp.models import (
    Attempt,
    BankEdition,
    Certificate,
    Course,
    CourseBank,
    CourseRequirement,
    Policy,
    PolicyAcknowledgement,
    PolicyRequirement,
    PolicyVersion,
    QuestionBank,
    School,
    StaffGroup,
    User,
)
from quizapp.people.accounts import hash_password
from tests.dbs import scratch_database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PASSWORD = "bench password not secret"
ATTEMPTS_PER_PERSON = 40
GROUPS = ["Teaching staff", "Support staff", "Volunteers", "Safeguarding team", "Office and site staff"]
# course index -> staff groups (by index) that must hold it
REQUIRED = {**{c: range(5) for c in range(4)}, **{c: range(3) for c in range(4, 8)}, 8: [3], 9: [3],
            10: [0, 4], 11: [0, 4]}
VALIDITY = [12] * 8 + [24, 24, 36, 36]
PAGES = {
    "dashboard, page 1": "/dsl/",
    "status filter + sort by course status": "/dsl/?status=not_covered&sort=course-1",
    "as at 2026-03-01, sort by school, last page": "/dsl/?as_at=2026-03-01&sort=school&page=9999",
    "one school (a tenth of the staff), expired only": "/dsl/?school=3&status=expired",
    "person page (40 attempts)": "/dsl/people/2",
    "CSV export, every matching person": "/dsl/export.csv?status=not_covered",
}
# Lets "latest counting certificate per person and course" be read from the index alone, already grouped.
PROPOSED_INDEX = ("CREATE INDEX ix_certificate_holding ON certificate "
                  "(user_id, course_id, valid_until, issued_at, revoked_at, superseded_at)")


def _chunks(rows: list[dict[str, Any]], size: int = 10_000) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _people(staff: int, rng: random.Random) -> list[dict[str, Any]]:
    admin = {"id": 1, "email": "admin@bench.example", "first_name": "Ada", "last_name": "Admin", "role": "admin",
             "school_id": 1, "staff_group_id": 1, "password_hash": hash_password(PASSWORD)}
    rows = [admin]
    for i in range(2, staff + 2):
        rows.append({"id": i, "email": f"person{i}@bench.example", "first_name": f"First{rng.randrange(10**6)}",
                     "last_name": f"Last{rng.randrange(10**6)}", "role": "staff", "school_id": 1 + i % 10,
                     "staff_group_id": 1 + rng.randrange(5), "password_hash": None})
    for row in rows:
        row.update(created_at=NOW - timedelta(days=2000), active=True, extra_time_pct=0, auth_nonce="bench")
    return rows


def _history(people: list[dict[str, Any]], rng: random.Random) -> tuple[list[dict], list[dict]]:
    attempts: list[dict[str, Any]] = []
    certificates: list[dict[str, Any]] = []
    for person in people:
        mine = [c for c, groups in REQUIRED.items() if person["staff_group_id"] - 1 in groups]
        for _ in range(ATTEMPTS_PER_PERSON):
            course = rng.choice(mine) if rng.random() < 0.9 else rng.randrange(12)
            started = NOW - timedelta(days=rng.uniform(1, 1100))
            passed = rng.random() < 0.55
            attempt_id = len(attempts) + 1
            attempts.append({"id": attempt_id, "user_id": person["id"], "course_id": course + 1, "state": "finished",
                             "started_at": started, "deadline_at": started + timedelta(minutes=15),
                             "finished_at": started + timedelta(minutes=11), "finish_reason": "submitted",
                             "time_limit_seconds": 900, "extra_time_pct": 0, "pass_mark_pct": 80,
                             "score_pct": 90 if passed else 50, "passed": passed})
            if passed:
                issued = started + timedelta(minutes=11)
                n = len(certificates) + 1
                certificates.append({
                    "id": n, "number": f"B-{n:07d}", "code": uuid.uuid4().hex, "attempt_id": attempt_id,
                    "user_id": person["id"], "course_id": course + 1, "issued_at": issued,
                    "valid_until": add_months(issued.date(), VALIDITY[course]), "holder_name": "Bench Person",
                    "course_title": f"Course {course + 1:02d}", "edition": "2026-01", "score_pct": 90,
                    "pdf_sha256": "", "revoked_at": issued + timedelta(days=3) if rng.random() < 0.01 else None})
        if rng.random() < 0.03:  # a quiz running right now
            attempts.append({**attempts[-1], "id": len(attempts) + 1, "course_id": mine[0] + 1, "state": "in_progress",
                             "started_at": NOW - timedelta(minutes=3), "deadline_at": NOW + timedelta(minutes=12),
                             "finished_at": None, "finish_reason": None, "score_pct": None, "passed": None})
    return attempts, certificates


def _policies(count: int, people: list[dict[str, Any]], rng: random.Random) -> dict[Any, list[dict[str, Any]]]:
    """Rows for `count` policies with one version each and about 70 % of their readers' acknowledgements."""
    effective = (NOW - timedelta(days=60)).date()
    policies = [{"id": p + 1, "title": f"Policy {p + 1:02d}", "owner": "Head", "all_staff": p < count - 1,
                 "days_to_acknowledge": 14, "review_by": (NOW + timedelta(days=300)).date(), "created_at": NOW}
                for p in range(count)]
    versions = [{"id": p + 1, "policy_id": p + 1, "number": 1, "basis_number": 1, "label": "1.0",
                 "effective_on": effective, "kind": "markdown", "markdown": "# Read me", "sha256": "0" * 64,
                 "size": 9, "material": True, "note": "", "published_at": NOW - timedelta(days=61)}
                for p in range(count)]
    acks = [{"user_id": person["id"], "version_id": p["id"], "sha256": "0" * 64,
             "at": NOW - timedelta(days=rng.randint(1, 59))}
            for p in policies for person in people
            if (p["all_staff"] or person["staff_group_id"] == 1) and rng.random() < 0.7]
    return {Policy: policies, PolicyVersion: versions, PolicyAcknowledgement: acks,
            PolicyRequirement: [{"policy_id": count, "staff_group_id": 1}] if count else []}


def _material_edition(conn: Any) -> None:
    """One bank behind the four courses everyone holds, and a material edition of it ten days ago: the worst case,
    where most current passes owe an update quiz."""
    conn.execute(insert(QuestionBank), [{"id": 1, "slug": "bench", "title": "Bench bank", "edition": "2026-11",
                                         "imported_at": NOW, "created_at": NOW}])
    conn.execute(insert(CourseBank), [{"course_id": c + 1, "bank_id": 1, "question_count": 1} for c in range(4)])
    conn.execute(insert(BankEdition), [{"bank_id": 1, "edition": "2026-11", "material": True, "what_changed": "Bench.",
                                        "question_ids": [], "imported_at": NOW - timedelta(days=10),
                                        "update_required_by": (NOW + timedelta(days=20)).date()}])


def seed(url: str, staff: int, proposed_index: bool, seed_value: int = 2026, policies: int = 0,
         edition: bool = False) -> dict[str, int]:
    """Migrate a fresh database and bulk-insert the data set; returns the row counts."""
    rng = random.Random(seed_value)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        upgrade()
    engine = app.extensions["quizapp.engine"]
    people = _people(staff, rng)
    attempts, certificates = _history(people, rng)
    with engine.begin() as conn:
        conn.execute(insert(School), [{"id": i, "name": f"School {i:02d}", "created_at": NOW} for i in range(1, 11)])
        conn.execute(insert(StaffGroup), [{"id": i + 1, "name": g, "created_at": NOW} for i, g in enumerate(GROUPS)])
        conn.execute(insert(Course), [{"id": c + 1, "title": f"Course {c + 1:02d}", "validity_months": VALIDITY[c],
                                       "created_at": NOW} for c in range(12)])
        conn.execute(insert(CourseRequirement), [{"course_id": c + 1, "staff_group_id": g + 1}
                                                 for c, groups in REQUIRED.items() for g in groups])
        for table, rows in ((User, people), (Attempt, attempts), (Certificate, certificates),
                            *_policies(policies, people, rng).items()):
            for chunk in _chunks(rows):
                conn.execute(insert(table), chunk)
        if proposed_index:
            conn.execute(text(PROPOSED_INDEX))
        if edition:
            _material_edition(conn)
        if engine.dialect.name == "postgresql":  # explicit ids were given: move the sequences past them
            for table in ("user_account", "attempt", "certificate", "school", "staff_group", "course", "policy",
                          "policy_version"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT MAX(id) FROM {table}))"))
        else:
            conn.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # what autovacuum would have done by now
    engine.dispose()
    return {"staff": staff, "attempts": len(attempts), "certificates": len(certificates)}


def measure(url: str, runs: int) -> dict[str, tuple[float, float, int]]:
    """(median ms, fastest ms, statement count) per page, signed in as the admin."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "SERVER_NAME": "bench.test", "CLOCK": lambda: NOW})
    client = app.test_client()
    client.post("/sign-in", data={"email": "admin@bench.example", "password": PASSWORD})
    engine = app.extensions["quizapp.engine"]
    results = {}
    for label, url_path in PAGES.items():
        assert client.get(url_path).status_code == 200  # warm-up (creates the settings row once)
        statements: list[str] = []
        listener = lambda *args, sink=statements: sink.append(args[2])  # noqa: E731 (a listener kept to remove it again)
        event.listen(engine, "before_cursor_execute", listener)
        samples = []
        for _ in range(runs):
            statements.clear()
            start = time.perf_counter()
            response = client.get(url_path)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
        event.remove(engine, "before_cursor_execute", listener)
        results[label] = (statistics.median(samples), min(samples), len(statements))
    engine.dispose()
    return results


def database(server_url: str | None, tmp) -> Iterator[str]:
    """A throw-away database: a SQLite file, or a new PostgreSQL database dropped on exit."""
    return scratch_database(server_url, tmp, prefix="quizapp_bench")


def main() -> None:
    """Seed, measure and print a Markdown table for bench/README.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server URL; default: SQLite files")
    parser.add_argument("--sizes", default="50,5000")
    parser.add_argument("--proposed-index", action="store_true", help="add the suggested certificate index")
    parser.add_argument("--policies", type=int, default=0, help="policies to add, counted beside the courses")
    parser.add_argument("--material-edition", action="store_true",
                        help="a material edition of the bank behind four courses: most passes owe an update")
    args = parser.parse_args()
    backend = ("PostgreSQL" if args.database_url else "SQLite") + (" + index" if args.proposed_index else "") + (
        f" + {args.policies} policies" if args.policies else "")
    backend += " + material edition" if args.material_edition else ""
    print(f"{backend}, Python {platform.python_version()}, {args.runs} runs per page, median\n")
    print(f"| {backend} | staff | attempts | certificates | page | ms (median) | ms (fastest) | statements |")
    print("|---|---:|---:|---:|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for staff in (int(s) for s in args.sizes.split(",")):
            with database(args.database_url, Path(tmp)) as url:
                started = time.perf_counter()
                counts = seed(url, staff, args.proposed_index, policies=args.policies, edition=args.material_edition)
                seeded = time.perf_counter() - started
                for label, (median, fastest, statements) in measure(url, args.runs).items():
                    print(f"| | {counts['staff']:,} | {counts['attempts']:,} | {counts['certificates']:,} | {label} "
                          f"| {median:.0f} | {fastest:.0f} | {statements} |")
                print(f"<!-- seeded {staff} staff in {seeded:.1f} s -->", file=sys.stderr)


if __name__ == "__main__":
    main()
