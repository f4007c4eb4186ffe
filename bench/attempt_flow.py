"""Whole attempts per minute: N staff each sign in, start, save 12 answers and submit, again and again.

This is the flow Moodle's quiz is usually measured by (one attempt, start to finish), so the figure sits beside
Moodle 4.3's on this machine kind in bench/README.md. Each simulated person is one client, one request after
another with no think time, against gunicorn and PostgreSQL as in bench/load.py; only attempts that reach the
result page within the window count.

Run: .venv/bin/python bench/attempt_flow.py [--users 100] [--seconds 60]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load import QUESTIONS, Quiz, Sample, sign_in_and_start, submit
from bench.load_setup import gunicorn, migrate_and_seed, temporary_database


async def save(quiz: Quiz, question: int, option: str, sample: Sample) -> None:
    """Save one answer as the page's fetch() does (session cookie and the page's CSRF token)."""
    started = time.perf_counter()
    async with quiz.http.post(quiz.save_url, json={"question": question, "options": [option]},
                              headers={"X-CSRFToken": quiz.token}) as response:
        payload = await response.json()
    if response.status == 200 and payload.get("saved"):
        sample.latencies.append(time.perf_counter() - started)
    else:
        sample.errors += 1


async def one_person(base: str, email: str, course_id: int, until: float, samples: dict[str, Sample]) -> None:
    """Repeat whole attempts until the window closes; an attempt counts when its result page loads in time."""
    while time.perf_counter() < until:
        started = time.perf_counter()
        quiz = await sign_in_and_start(base, email, course_id, samples["sign_in"])
        try:
            for question, options in quiz.options.items():
                await save(quiz, question, options[0], samples["save"])
            submitted = len(samples["submit"].latencies)
            await submit(quiz, samples["submit"])
            finished = time.perf_counter()
            if len(samples["submit"].latencies) > submitted and finished <= until:
                samples["attempt"].latencies.append(finished - started)
        finally:
            await quiz.http.close()


async def run(base: str, users: int, seconds: float, course_id: int) -> dict[str, Sample]:
    """All users at once for `seconds`; the samples of each step and of whole attempts."""
    samples = {name: Sample() for name in ("sign_in", "save", "submit", "attempt")}
    until = time.perf_counter() + seconds
    await asyncio.gather(*(one_person(base, f"load{i}@bench.test", course_id, until, samples)
                           for i in range(users)))
    for sample in samples.values():
        sample.wall = seconds
    return samples


def report(samples: dict[str, Sample], args: argparse.Namespace) -> str:
    """A Markdown table of the run for bench/README.md."""
    attempts = samples["attempt"]
    lines = [f"Whole attempts ({QUESTIONS} saves each), {args.users} users for {args.seconds:.0f} s, "
             f"{date.today()}, {platform.node()}, {os.cpu_count()} cores, gunicorn {args.workers}x{args.threads}, "
             f"load average before {args.load_before:.1f}",
             "",
             "| measure | value |",
             "|---|---|",
             f"| attempts per minute | {len(attempts.latencies) * 60 / args.seconds:.0f} |",
             f"| one attempt, median / p95 | {attempts.pct(50) / 1000:.2f} s / {attempts.pct(95) / 1000:.2f} s |"]
    for name in ("sign_in", "save", "submit"):
        sample = samples[name]
        lines.append(f"| {name.replace('_', ' ')}: p50 / p95, errors | {sample.pct(50):.0f} ms / "
                     f"{sample.pct(95):.0f} ms, {sample.errors} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Seed a throwaway PostgreSQL database, serve it with gunicorn, run the flow and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--database-server",
                        default=os.environ.get("QUIZAPP_BENCH_DATABASE_URL",
                                               "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args(argv)
    if not 1 <= args.users <= 500 or not 5 <= args.seconds <= 600:
        parser.error("keep it bounded: 1 to 500 users, 5 to 600 seconds")
    args.load_before = os.getloadavg()[0]
    with temporary_database(args.database_server) as url:
        course_id = migrate_and_seed(url, args.users)
        env = {"QUIZAPP_DATABASE_URL": url, "QUIZAPP_SECRET_KEY": secrets.token_urlsafe(32),
               "QUIZAPP_ENV": "development"}  # production cookies are Secure, unusable over plain http
        with gunicorn("wsgi:app", args.workers, args.threads, env, "/healthz") as base:
            asyncio.run(run(base, min(args.users, 10), 5, course_id))  # warm-up
            samples = asyncio.run(run(base, args.users, args.seconds, course_id))
    print(report(samples, args))


if __name__ == "__main__":
    main()
