"""Benchmark: CSV import preview of 1,000 people (target: under 2 s), and the full upload page.

Run: .venv/bin/python bench/bench_csv_import.py [--rows 1000] [--existing 500] [--repeat 5] [--postgres SERVER_URL]
With --postgres (such as postgresql://postgres@127.0.0.1:5432/postgres) it creates a throwaway database on that
server and drops it afterwards; otherwise it uses a temporary SQLite file.
Half the rows (by default) are people already on file, so the preview computes updates as well as creates.
It times the preview itself (decode, parse, check every row against the database) and the whole HTTP
upload through the Flask test client (form parsing, preview, signing the confirmation, rendering the page),
then the confirmed apply once.
"""
from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizapp import create_app
from quizapp.extensions import db
from quizapp.migrate import upgrade
from quizapp.models import School, StaffGroup, User
from quizapp.people.accounts import hash_password
from quizapp.people.csv_import import COLUMNS, preview
from tests.dbs import scratch_database

FIRST = ["Zoë", "Łukasz", "Gwenllïan", "Priya", "Oluwaseun", "Siobhán", "Mohammed", "Ffion", "Jack", "Aisha"]
LAST = ["Ó Súilleabháin", "Wróblewski", "Ŵyn", "Natarajan", "Adeyemi", "Smith", "Ahmed", "Llewellyn-Jones"]
SCHOOLS = ["Riverside Primary", "Hillside Academy", "Meadow Infants"]
GROUPS = ["Teaching staff", "Support staff", "Volunteers", "Office and site staff"]
PASSWORD = "bench password 2026"


def seed(existing: int) -> None:
    """Schools, staff groups, an admin and `existing` people already on file."""
    schools = [School(name=name) for name in SCHOOLS]
    groups = [StaffGroup(name=name) for name in GROUPS]
    db.session.add_all(schools + groups)
    db.session.add(User(email="admin@bench.example.org", first_name="Bench", last_name="Admin", role="admin",
                        password_hash=hash_password(PASSWORD)))
    db.session.add_all(User(email=f"person{i}@bench.example.org", first_name="Old", last_name=f"Name{i}", role="staff",
                            school=schools[i % 3], staff_group=groups[i % 4]) for i in range(existing))
    db.session.commit()


def generate(rows: int, seed_value: int = 2026) -> bytes:
    """A valid file of `rows` people, with a BOM as Excel writes it; person0.. already exist."""
    rng = random.Random(seed_value)
    lines = [",".join(COLUMNS)]
    for i in range(rows):
        lines.append(",".join([f"person{i}@bench.example.org", rng.choice(FIRST), rng.choice(LAST),
                               rng.choice(["staff", "staff", "staff", "dsl"]), rng.choice(SCHOOLS),
                               rng.choice(GROUPS), str(rng.choice([0, 0, 0, 25, 50]))]))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def report(label: str, samples: list[float]) -> None:
    """Print mean, best and worst in milliseconds."""
    print(f"  {label:<34} mean {statistics.mean(samples):7.0f} ms   best {min(samples):7.0f}   worst "
          f"{max(samples):7.0f}")


def main() -> None:
    """Time the preview and the upload page over several runs, then one confirmed apply."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--existing", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", help="a PostgreSQL server URL; a throwaway database is made on it")
    args = parser.parse_args()
    data = generate(args.rows)
    with tempfile.TemporaryDirectory() as tmp, database(args.postgres, tmp) as url:
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": False})
        app.instance_path = tmp
        with app.app_context():
            upgrade()
            seed(args.existing)
        run(app, data, args)
        db.dispose(app)


def database(server_url: str | None, tmp) -> Iterator[str]:
    """A throw-away database: a SQLite file, or a new PostgreSQL database dropped on exit."""
    return scratch_database(server_url, tmp, prefix="quizapp_bench")


def run(app, data: bytes, args: argparse.Namespace) -> None:
    """The timed part."""
    from sqlalchemy import select

    checks, uploads = [], []
    with app.app_context():
        actor = db.session.scalar(select(User).where(User.email == "admin@bench.example.org"))
        for _ in range(args.repeat):
            start = time.perf_counter()
            _, result = preview(db.session, data, actor)
            checks.append((time.perf_counter() - start) * 1000)
            db.session.rollback()
        assert result.ok, result.problems[:3]
    client = app.test_client()
    client.post("/sign-in", data={"email": "admin@bench.example.org", "password": PASSWORD})
    for _ in range(args.repeat):
        start = time.perf_counter()
        response = client.post("/admin/users/import", data={"file": (io.BytesIO(data), "people.csv")},
                               content_type="multipart/form-data")
        uploads.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200 and "Confirm import" in response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    payload = html.split('name="payload" type="hidden" value="')[1].split('"')[0]
    start = time.perf_counter()
    done = client.post("/admin/users/import/confirm", data={"payload": payload})
    applied = (time.perf_counter() - start) * 1000
    assert done.status_code == 200, done.status_code
    creates, updates = result.of("create"), result.of("update")
    print(f"{args.rows} rows ({len(data) / 1024:.0f} KB; {len(creates)} to add, {len(updates)} to update) on "
          f"{str(app.config['DATABASE_URL']).split(':')[0]}, {args.repeat} runs, confirmation field "
          f"{len(payload) / 1024:.0f} KB")
    report("preview (decode, parse, check)", checks)
    report("upload page (HTTP, sign, render)", uploads)
    print(f"  {'confirm and apply (once)':<34} {applied:7.0f} ms   (target for the preview: < 2000 ms)")


if __name__ == "__main__":
    main()
