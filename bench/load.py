"""Load: the real quiz flow under N concurrent staff against gunicorn + PostgreSQL, beside a bare Flask floor.

Usage: .venv/bin/python -m bench [--levels 20,50,100] [--rounds 5] [--workers 4] [--threads 2]
       (or `make bench`). Needs PostgreSQL at QUIZAPP_BENCH_DATABASE_URL (default
       postgresql://postgres@127.0.0.1:5432/postgres); it creates and drops its own database.

Each staff member signs in, starts the quiz, then (once all have started) saves 12 answers `rounds` times over,
one request after another with no pause (a closed loop: the load is as heavy as the server allows), then
submits. Only the save phase is timed for throughput; sign-in and submit latencies are reported beside it.
The floor is a bare Flask endpoint (bench/floor_app.py) under the same gunicorn settings, driven the same way.
Rate limits stay on as in production (memory storage per worker): they count only failed sign-ins.
Everything runs on 127.0.0.1 and every phase has a time limit.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import secrets
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load_setup import PASSWORD, QUESTIONS, gunicorn, migrate_and_seed, temporary_database  # noqa: E402
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
OPTION = re.compile(r'<input type="(?:radio|checkbox)" name="q(\d+)" id="[^"]*" value="([^"]+)"')
SAVE_URL = re.compile(r'data-save-url="([^"]+)"')
SUBMIT_URL = re.compile(r'<form method="post" action="([^"]+/submit)"')


@dataclass
class Sample:
    """Latencies (seconds) of one kind of request, and the wall time of the phase that made them."""

    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    errors: int = 0

    def pct(self, q: int) -> float:
        """The q-th percentile in milliseconds."""
        if len(self.latencies) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000

    @property
    def throughput(self) -> float:
        """Requests per second over the phase."""
        return len(self.latencies) / self.wall if self.wall else 0.0


# --- the quiz flow --------------------------------------------------------------------------------------

@dataclass
class Quiz:
    """What one signed-in staff member needs to answer their quiz."""

    http: aiohttp.ClientSession
    token: str = ""
    save_url: str = ""
    submit_url: str = ""
    options: dict[int, list[str]] = field(default_factory=dict)


def _token(html: str) -> str:
    match = TOKEN.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


async def sign_in_and_start(base: str, email: str, course_id: int, signs: Sample) -> Quiz:
    """Sign in through the form and start the quiz, as a browser would."""
    quiz = Quiz(aiohttp.ClientSession(base, cookie_jar=aiohttp.CookieJar(unsafe=True)))
    try:
        return await _sign_in_and_start(quiz, email, course_id, signs)
    except BaseException:
        await quiz.http.close()
        raise


async def _sign_in_and_start(quiz: Quiz, email: str, course_id: int, signs: Sample) -> Quiz:
    async with quiz.http.get("/sign-in") as response:
        token = _token(await response.text())
    started = time.perf_counter()
    async with quiz.http.post("/sign-in", data={"csrf_token": token, "email": email, "password": PASSWORD},
                              allow_redirects=False) as response:
        if response.status != 302:
            raise RuntimeError(f"sign-in for {email} answered {response.status}")
    signs.latencies.append(time.perf_counter() - started)
    async with quiz.http.get(f"/courses/{course_id}") as response:
        token = _token(await response.text())
    async with quiz.http.post(f"/courses/{course_id}/start", data={"csrf_token": token}) as response:
        html = await response.text()
    quiz.token, quiz.save_url, quiz.submit_url = _token(html), SAVE_URL.search(html)[1], SUBMIT_URL.search(html)[1]
    for question, option in OPTION.findall(html):
        quiz.options.setdefault(int(question), []).append(option)
    if len(quiz.options) != QUESTIONS:
        raise RuntimeError(f"the quiz page showed {len(quiz.options)} questions")
    return quiz


async def save_answers(quiz: Quiz, rounds: int, saves: Sample, pause: float = 0.0) -> None:
    """Save every answer `rounds` times, one request after another, `pause` seconds (+-50 %) apart."""
    headers = {"X-CSRFToken": quiz.token}
    jitter = random.Random(quiz.save_url)  # nosec B311 - spreading load, not security
    for round_ in range(rounds):
        for question, options in quiz.options.items():
            if pause:
                await asyncio.sleep(pause * jitter.uniform(0.5, 1.5))
            body = {"question": question, "options": [options[round_ % len(options)]]}
            started = time.perf_counter()
            async with quiz.http.post(quiz.save_url, json=body, headers=headers) as response:
                payload = await response.json()
            if response.status != 200 or not payload.get("saved"):
                saves.errors += 1
                continue
            saves.latencies.append(time.perf_counter() - started)


async def submit(quiz: Quiz, submits: Sample) -> None:
    """Submit the form (the answers are already saved) and follow through to the result page."""
    started = time.perf_counter()
    async with quiz.http.post(quiz.submit_url, data={"csrf_token": quiz.token}) as response:
        await response.read()
        ok = response.status == 200 and response.url.path.endswith("/result")
    if ok:
        submits.latencies.append(time.perf_counter() - started)
    else:
        submits.errors += 1


async def _timed(phase: Sample, jobs: list, limit: float) -> None:
    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*jobs), timeout=limit)
    phase.wall = time.perf_counter() - started


async def quiz_level(base: str, users: int, rounds: int, course_id: int, limit: float,
                     pause: float = 0.0) -> dict[str, Sample]:
    """N staff sign in and start together, then all save, then all submit; each phase timed on its own."""
    result = {name: Sample() for name in ("sign_in", "save", "submit")}
    quizzes: list[Quiz] = []
    try:
        for first in range(0, users, 10):  # sign-ins in small waves: scrypt is meant to be slow
            quizzes += await asyncio.wait_for(asyncio.gather(*(
                sign_in_and_start(base, f"load{i}@bench.test", course_id, result["sign_in"])
                for i in range(first, min(users, first + 10)))), timeout=limit)
        await _timed(result["save"], [save_answers(q, rounds, result["save"], pause) for q in quizzes], limit)
        await _timed(result["submit"], [submit(q, result["submit"]) for q in quizzes], limit)
    finally:
        for quiz in quizzes:
            await quiz.http.close()
    return result


async def floor_level(base: str, users: int, rounds: int, limit: float) -> Sample:
    """The same number of clients each POSTing a save-sized JSON body as often, to the bare Flask app."""
    sample = Sample()

    async def client() -> None:
        async with aiohttp.ClientSession(base) as http:
            for n in range(QUESTIONS * rounds):
                started = time.perf_counter()
                async with http.post("/save", json={"question": n, "options": ["abcdefgh"]}) as response:
                    await response.read()
                if response.status == 200:
                    sample.latencies.append(time.perf_counter() - started)
                else:
                    sample.errors += 1

    await _timed(sample, [client() for _ in range(users)], limit)
    return sample


# --- report ---------------------------------------------------------------------------------------------

def report(levels: list[int], quiz: dict[int, dict[str, Sample]], floor: dict[int, Sample], args) -> str:
    """A Markdown table of the run."""
    lines = [f"Measured {date.today().isoformat()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"gunicorn {args.workers} workers x {args.threads} threads (gthread), PostgreSQL, "
             f"{args.rounds} x {QUESTIONS} saves per user, "
             + (f"about {args.pause:g} s between one user's saves." if args.pause
                else "no pause between requests."), "",
             "| users | saves/s | save p50 | save p95 | save p99 | floor req/s | floor p95 | ratio "
             "| sign-in p95 | submit p95 | errors |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for n in levels:
        s, f = quiz[n]["save"], floor[n]
        errors = sum(x.errors for x in quiz[n].values()) + f.errors
        lines.append(f"| {n} | {s.throughput:.0f} | {s.pct(50):.1f} ms | {s.pct(95):.1f} ms | {s.pct(99):.1f} ms "
                     f"| {f.throughput:.0f} | {f.pct(95):.1f} ms | {s.throughput / f.throughput if f.wall else 0:.2f} "
                     f"| {quiz[n]['sign_in'].pct(95):.0f} ms | {quiz[n]['submit'].pct(95):.0f} ms | {errors} |")
    return "\n".join(lines)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="20,50,100", help="concurrent staff per level (default 20,50,100)")
    parser.add_argument("--rounds", type=int, default=5, help="times each user saves all 12 answers (default 5)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--pause", type=float, default=0.0,
                        help="seconds between one user's saves (default 0: as fast as the server allows)")
    parser.add_argument("--quiz-only", action="store_true", help="skip the floor (for --pause runs)")
    parser.add_argument("--limit", type=float, default=180.0, help="seconds allowed per phase (default 180)")
    parser.add_argument("--database-server", default=os.environ.get(
        "QUIZAPP_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args(argv)
    args.level_list = [int(n) for n in args.levels.split(",")]
    if max(args.level_list) > 500 or args.rounds > 50:
        parser.error("keep it bounded: at most 500 users and 50 rounds")
    return args


def main(argv: list[str] | None = None) -> None:
    """Run every level against quizapp, then against the floor, and print the table."""
    args = _arguments(argv)
    levels = args.level_list
    quiz: dict[int, dict[str, Sample]] = {}
    with temporary_database(args.database_server) as url:
        course_id = migrate_and_seed(url, max(levels))
        env = {"QUIZAPP_DATABASE_URL": url, "QUIZAPP_SECRET_KEY": secrets.token_urlsafe(32),
               "QUIZAPP_ENV": "development"}  # production would mark cookies Secure, unusable over plain http
        with gunicorn("wsgi:app", args.workers, args.threads, env, "/healthz") as base:
            asyncio.run(quiz_level(base, min(levels), 1, course_id, args.limit))  # warm-up, not reported
            for n in levels:
                quiz[n] = asyncio.run(quiz_level(base, n, args.rounds, course_id, args.limit, args.pause))
                print(f"quizapp, {n} users: {quiz[n]['save'].throughput:.0f} saves/s", file=sys.stderr)
    floor: dict[int, Sample] = {n: Sample() for n in levels}
    if args.quiz_only:
        print(report(levels, quiz, floor, args))
        return
    with gunicorn("bench.floor_app:app", args.workers, args.threads, {}, "/healthz") as base:
        asyncio.run(floor_level(base, min(levels), 1, args.limit))  # warm-up
        for n in levels:
            floor[n] = asyncio.run(floor_level(base, n, args.rounds, args.limit))
            print(f"floor, {n} users: {floor[n].throughput:.0f} req/s", file=sys.stderr)
    print(report(levels, quiz, floor, args))


if __name__ == "__main__":
    main()
