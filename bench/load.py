"""Load: the real quiz flow under N concurrent staff against gunicorn + PostgreSQL, beside a bare Flask floor.

Usage: .venv/bin/python -m bench [--levels 20,50,100] [--rounds 5] [--repeats 3] [--workers 4] [--threads 2]
       (or `make bench`). Needs PostgreSQL at QUIZAPP_BENCH_DATABASE_URL (default
       postgresql://postgres@127.0.0.1:5432/postgres); it creates and drops its own database.

Each staff member signs in, starts the quiz, then (once all have started) saves 12 answers `rounds` times over,
one request after another with no pause (a closed loop: the load is as heavy as the server allows), then
submits. Only the save phase is timed for throughput; sign-in and submit latencies are reported beside it.
The floor is a bare Flask endpoint (bench/floor_app.py) under the same gunicorn settings, driven the same way,
right after each quiz run; each level runs `repeats` times and the ratio reported is the median of the pairs.
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

    @property
    def headers(self) -> dict[str, str]:
        """What the page's fetch() sends with each save: the session cookie and the CSRF token."""
        cookie = "; ".join(f"{morsel.key}={morsel.value}" for morsel in self.http.cookie_jar)
        return {"Cookie": cookie, "X-CSRFToken": self.token}


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


async def save_answers(base: str, quiz: Quiz, rounds: int, saves: Sample, pause: float = 0.0) -> None:
    """Save every answer `rounds` times, one request after another, `pause` seconds (+-50 %) apart."""
    jitter = random.Random(quiz.save_url)  # nosec B311 - spreading load, not security
    # The session cookie goes as a fixed header, as the browser attaches it: aiohttp's cookie jar would
    # otherwise cost the driver (which shares the server's two cores) about a third more per save.
    async with aiohttp.ClientSession(base, cookie_jar=aiohttp.DummyCookieJar(), headers=quiz.headers) as http:
        for round_ in range(rounds):
            for question, options in quiz.options.items():
                if pause:
                    await asyncio.sleep(pause * jitter.uniform(0.5, 1.5))
                body = {"question": question, "options": [options[round_ % len(options)]]}
                started = time.perf_counter()
                async with http.post(quiz.save_url, json=body) as response:
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
                     pause: float = 0.0) -> tuple[dict[str, Sample], dict[str, str]]:
    """N staff sign in and start together, then all save, then all submit; each phase timed on its own.

    Returns the phases' samples and the headers of a save, as a pattern for the floor's requests.
    """
    result = {name: Sample() for name in ("sign_in", "save", "submit")}
    quizzes: list[Quiz] = []
    shape: dict[str, str] = {}
    try:
        for first in range(0, users, 10):  # sign-ins in small waves: scrypt is meant to be slow
            quizzes += await asyncio.wait_for(asyncio.gather(*(
                sign_in_and_start(base, f"load{i}@bench.test", course_id, result["sign_in"])
                for i in range(first, min(users, first + 10)))), timeout=limit)
        shape = {name: "x" * len(value) for name, value in quizzes[0].headers.items()}
        await _timed(result["save"], [save_answers(base, q, rounds, result["save"], pause) for q in quizzes], limit)
        await _timed(result["submit"], [submit(q, result["submit"]) for q in quizzes], limit)
    finally:
        for quiz in quizzes:
            await quiz.http.close()
    return result, shape


async def floor_level(base: str, users: int, rounds: int, limit: float, headers: dict[str, str]) -> Sample:
    """The same number of clients POSTing the same requests (headers and body alike) to the bare Flask app."""
    sample = Sample()

    async def client() -> None:
        async with aiohttp.ClientSession(base, cookie_jar=aiohttp.DummyCookieJar(), headers=headers) as http:
            for n in range(QUESTIONS * rounds):
                started = time.perf_counter()
                async with http.post("/save", json={"question": n, "options": ["abcdefghijkl"]}) as response:
                    payload = await response.json()
                if response.status == 200 and payload.get("saved"):
                    sample.latencies.append(time.perf_counter() - started)
                else:
                    sample.errors += 1

    await _timed(sample, [client() for _ in range(users)], limit)
    return sample


# --- report ---------------------------------------------------------------------------------------------

@dataclass
class Level:
    """Every run at one number of users: the quiz phases and, paired with each, a floor run."""

    quiz: list[dict[str, Sample]] = field(default_factory=list)
    floor: list[Sample] = field(default_factory=list)

    def pooled(self, phase: str) -> Sample:
        """All runs' latencies of one quiz phase together (throughput is taken per run, not from this)."""
        return Sample([x for run in self.quiz for x in run[phase].latencies], 0.0,
                      sum(run[phase].errors for run in self.quiz))

    def ratios(self) -> list[float]:
        """Save throughput over floor throughput, run by run (each pair measured back to back)."""
        return [q["save"].throughput / f.throughput for q, f in zip(self.quiz, self.floor) if f.wall]


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(levels: dict[int, Level], args: argparse.Namespace) -> str:
    """A Markdown table of the run: medians over the repeats, percentiles over every save."""
    lines = [f"Measured {date.today().isoformat()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"gunicorn {args.workers} workers x {args.threads} threads (gthread), PostgreSQL, "
             f"{args.rounds} x {QUESTIONS} saves per user, {args.repeats} run(s) per level"
             + ("" if args.quiz_only else " (saves then floor, alternating)") + f", load average {args.load_before:.1f} before the run, "
             + (f"about {args.pause:g} s between one user's saves." if args.pause
                else "no pause between requests."), "",
             "| users | saves/s | save p50 | save p95 | save p99 | floor req/s | floor p95 | ratio (runs) "
             "| sign-in p95 | submit p95 | errors |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for n, level in levels.items():
        saves, floor = level.pooled("save"), Sample([x for f in level.floor for x in f.latencies])
        ratios = level.ratios()
        errors = sum(level.pooled(p).errors for p in ("sign_in", "save", "submit")) + sum(f.errors for f in level.floor)
        spread = f" ({min(ratios):.2f}-{max(ratios):.2f})" if len(ratios) > 1 else ""
        floor_cells = (f"{_median([f.throughput for f in level.floor]):.0f} | {floor.pct(95):.1f} ms "
                       f"| {_median(ratios):.2f}{spread}") if level.floor else "- | - | -"
        lines.append(f"| {n} | {_median([q['save'].throughput for q in level.quiz]):.0f} | {saves.pct(50):.1f} ms "
                     f"| {saves.pct(95):.1f} ms | {saves.pct(99):.1f} ms | {floor_cells} "
                     f"| {level.pooled('sign_in').pct(95):.0f} ms | {level.pooled('submit').pct(95):.0f} ms "
                     f"| {errors} |")
    return "\n".join(lines)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="20,50,100", help="concurrent staff per level (default 20,50,100)")
    parser.add_argument("--rounds", type=int, default=5, help="times each user saves all 12 answers (default 5)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs per level, each quiz run followed by a floor run (default 3)")
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
    if max(args.level_list) > 500 or args.rounds > 50 or not 1 <= args.repeats <= 10:
        parser.error("keep it bounded: at most 500 users, 50 rounds and 10 repeats")
    return args


def main(argv: list[str] | None = None) -> None:
    """Run each level `repeats` times, quizapp then the floor each time, and print the table."""
    args = _arguments(argv)
    args.load_before = os.getloadavg()[0]
    levels = {n: Level() for n in args.level_list}
    with temporary_database(args.database_server) as url:
        course_id = migrate_and_seed(url, max(levels))
        env = {"QUIZAPP_DATABASE_URL": url, "QUIZAPP_SECRET_KEY": secrets.token_urlsafe(32),
               "QUIZAPP_ENV": "development"}  # production would mark cookies Secure, unusable over plain http
        # Both servers run throughout (an idle gunicorn costs nothing), so each quiz run and its floor run
        # meet the same conditions on a machine whose speed drifts from minute to minute.
        with gunicorn("wsgi:app", args.workers, args.threads, env, "/healthz") as app_base, \
                gunicorn("bench.floor_app:app", args.workers, args.threads, {}, "/healthz") as floor_base:
            _, shape = asyncio.run(quiz_level(app_base, min(levels), 1, course_id, args.limit))  # warm-ups
            asyncio.run(floor_level(floor_base, min(levels), 1, args.limit, shape))
            for n, level in levels.items():
                for run in range(1, args.repeats + 1):
                    level.quiz.append(asyncio.run(quiz_level(app_base, n, args.rounds, course_id, args.limit,
                                                             args.pause))[0])
                    message = f"{n} users, run {run}: {level.quiz[-1]['save'].throughput:.0f} saves/s"
                    if not args.quiz_only:
                        level.floor.append(asyncio.run(floor_level(floor_base, n, args.rounds, args.limit, shape)))
                        message += f", floor {level.floor[-1].throughput:.0f} req/s"
                    print(message, file=sys.stderr)
    print(report(levels, args))


if __name__ == "__main__":
    main()
