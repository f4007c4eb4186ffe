"""Load: the real quiz flow under N concurrent staff against gunicorn + PostgreSQL, beside two bare Flask floors.

Usage: .venv/bin/python -m bench [--levels 20,50,100] [--seconds 10] [--repeats 3] [--workers 4] [--threads 2]
       (or `make bench`). Needs PostgreSQL at QUIZAPP_BENCH_DATABASE_URL (default
       postgresql://postgres@127.0.0.1:5432/postgres); it creates and drops its own database.

Each staff member signs in, starts the quiz, then (once all have started) saves its 12 answers over and over
for `seconds`, one request after another with no pause (a closed loop: the load is as heavy as the server
allows), then submits. Only the save phase is timed for throughput; sign-in and submit latencies are reported
beside it. The phases run for a fixed time rather than a fixed number of requests so that all N users are
saving for the whole of what is measured: with a fixed count, the users whose connections gunicorn happened to
give the least busy workers finish early and the end of the phase measures fewer users than N.
The floor is a bare Flask endpoint (bench/floor_app.py); the secure floor (bench/secure_floor_app.py) adds only
a signed session, a CSRF check and one UPDATE. Both run under the same gunicorn settings, driven the same way,
right after each quiz run; each level runs `repeats` times and the ratios reported are medians of the pairs.
Rate limits stay on as in production (memory storage per worker): they count only failed sign-ins.
Everything runs on 127.0.0.1 and every phase has a time limit.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import random
import re
import secrets
import statistics
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load_setup import PASSWORD, QUESTIONS, gunicorn, migrate_and_seed, temporary_database
from bench.secure_floor_app import create_table

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
        raise RuntimeError(f"no CSRF token on the page: {html[:300]!r}")
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


async def _post(http: aiohttp.ClientSession, url: str, body: dict, sample: Sample, until: float) -> None:
    """POST one save; an error if it was not saved, else its latency if it finished by `until`."""
    started = time.perf_counter()
    async with http.post(url, json=body) as response:
        payload = await response.json()
    finished = time.perf_counter()
    if response.status != 200 or not payload.get("saved"):
        sample.errors += 1
    elif finished <= until:
        sample.latencies.append(finished - started)


async def save_answers(base: str, quiz: Quiz, until: float, saves: Sample, pause: float = 0.0) -> None:
    """Save the answers in turn, one request after another, `pause` seconds (+-50 %) apart, until `until`.

    Only saves that complete by `until` count, so the phase's throughput is over exactly its length.
    """
    jitter = random.Random(quiz.save_url)  # nosec B311 - spreading load, not security
    answers = list(quiz.options.items())
    # The session cookie goes as a fixed header, as the browser attaches it: aiohttp's cookie jar would
    # otherwise cost the driver (which shares the server's two cores) about a third more per save.
    async with aiohttp.ClientSession(base, cookie_jar=aiohttp.DummyCookieJar(), headers=quiz.headers) as http:
        for n in itertools.count():
            question, options = answers[n % QUESTIONS]
            if pause:
                await asyncio.sleep(pause * jitter.uniform(0.5, 1.5))
            if time.perf_counter() >= until:
                return
            body = {"question": question, "options": [options[n // QUESTIONS % len(options)]]}
            await _post(http, quiz.save_url, body, saves, until)


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


async def _for(phase: Sample, seconds: float, jobs: Callable[[float], list], limit: float) -> None:
    """Run the jobs made for a deadline `seconds` from now; the phase's throughput is over those seconds."""
    await asyncio.wait_for(asyncio.gather(*jobs(time.perf_counter() + seconds)), timeout=limit)
    phase.wall = seconds


async def quiz_level(base: str, users: int, seconds: float, course_id: int, limit: float,
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
        await _for(result["save"], seconds,
                   lambda until: [save_answers(base, q, until, result["save"], pause) for q in quizzes], limit)
        await _timed(result["submit"], [submit(q, result["submit"]) for q in quizzes], limit)
    finally:
        for quiz in quizzes:
            await quiz.http.close()
    return result, shape


async def floor_level(base: str, users: int, seconds: float, limit: float, headers: dict[str, str]) -> Sample:
    """The same number of clients POSTing the same requests (headers and body alike) to one of the floors."""
    sample = Sample()

    async def client(until: float) -> None:
        async with aiohttp.ClientSession(base, cookie_jar=aiohttp.DummyCookieJar(), headers=headers) as http:
            for n in itertools.count():
                if time.perf_counter() >= until:
                    return
                await _post(http, "/save", {"question": n, "options": ["abcdefghijkl"]}, sample, until)

    await _for(sample, seconds, lambda until: [client(until) for _ in range(users)], limit)
    return sample


# --- report ---------------------------------------------------------------------------------------------

@dataclass
class Level:
    """Every run at one number of users: the quiz phases and, paired with each, a run of each floor."""

    quiz: list[dict[str, Sample]] = field(default_factory=list)
    floor: list[Sample] = field(default_factory=list)
    secure: list[Sample] = field(default_factory=list)

    def pooled(self, phase: str) -> Sample:
        """All runs' latencies of one quiz phase together (throughput is taken per run, not from this)."""
        return Sample([x for run in self.quiz for x in run[phase].latencies], 0.0,
                      sum(run[phase].errors for run in self.quiz))

    def ratios(self, floors: list[Sample]) -> list[float]:
        """Save throughput over one floor's throughput, run by run (each pair measured back to back)."""
        return [q["save"].throughput / f.throughput for q, f in zip(self.quiz, floors, strict=True) if f.wall]


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(levels: dict[int, Level], args: argparse.Namespace) -> str:
    """A Markdown table of the run: medians over the repeats, percentiles over every save."""
    lines = [
        f"Measured {date.today().isoformat()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"gunicorn {args.workers} workers x {args.threads} threads (gthread), PostgreSQL, "
        f"saves for {args.seconds:g} s, {args.repeats} run(s) per level"
        + ("" if args.quiz_only else " (saves, floor, secure floor in turn)")
        + f", load average {args.load_before:.1f} before the run, "
        + (f"about {args.pause:g} s between one user's saves." if args.pause else "no pause between requests."),
        "",
        "| users | saves/s | save p50 | save p95 | save p99 | floor req/s | floor p95 | ratio (runs) "
        "| secure floor req/s | of secure floor | sign-in p95 | submit p95 | errors |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, level in levels.items():
        saves, floor = level.pooled("save"), Sample([x for f in level.floor for x in f.latencies])
        ratios = level.ratios(level.floor) if level.floor else []  # --quiz-only runs no floor
        errors = sum(level.pooled(p).errors for p in ("sign_in", "save", "submit")) + sum(
            f.errors for f in level.floor + level.secure
        )
        spread = f" ({min(ratios):.2f}-{max(ratios):.2f})" if len(ratios) > 1 else ""
        floor_cells = (
            (
                f"{_median([f.throughput for f in level.floor]):.0f} | {floor.pct(95):.1f} ms "
                f"| {_median(ratios):.2f}{spread} | {_median([f.throughput for f in level.secure]):.0f} "
                f"| {_median(level.ratios(level.secure)):.2f}"
            )
            if level.floor
            else "- | - | - | - | -"
        )
        lines.append(
            f"| {n} | {_median([q['save'].throughput for q in level.quiz]):.0f} | {saves.pct(50):.1f} ms "
            f"| {saves.pct(95):.1f} ms | {saves.pct(99):.1f} ms | {floor_cells} "
            f"| {level.pooled('sign_in').pct(95):.0f} ms | {level.pooled('submit').pct(95):.0f} ms "
            f"| {errors} |"
        )
    return "\n".join(lines)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="20,50,100", help="concurrent staff per level (default 20,50,100)")
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="length of each save phase and each floor run (default 10)"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="runs per level, each quiz run followed by a run of each floor (default 3)",
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds between one user's saves (default 0: as fast as the server allows)",
    )
    parser.add_argument("--quiz-only", action="store_true", help="skip the floor (for --pause runs)")
    parser.add_argument("--limit", type=float, default=180.0, help="seconds allowed per phase (default 180)")
    parser.add_argument(
        "--database-server",
        default=os.environ.get("QUIZAPP_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args(argv)
    args.level_list = [int(n) for n in args.levels.split(",")]
    if max(args.level_list) > 500 or not 1 <= args.seconds <= 120 or not 1 <= args.repeats <= 10:
        parser.error("keep it bounded: at most 500 users, 1 to 120 seconds and 1 to 10 repeats")
    return args


def _secure_headers(base: str) -> dict[str, str]:
    """A signed-in session cookie and its CSRF token from the secure-save floor, as the quiz page has them."""
    with urllib.request.urlopen(base + "/session", timeout=10) as response:  # nosec B310 - loopback
        return {"Cookie": response.headers["Set-Cookie"].split(";")[0], "X-CSRFToken": response.read().decode()}


def _run(args: argparse.Namespace, levels: dict[int, Level], course_id: int, bases: tuple[str, str, str]) -> None:
    app_base, floor_base, secure_base = bases
    _, shape = asyncio.run(quiz_level(app_base, min(levels), 2, course_id, args.limit))  # warm-ups
    secure_headers = _secure_headers(secure_base)
    asyncio.run(floor_level(floor_base, min(levels), 2, args.limit, shape))
    asyncio.run(floor_level(secure_base, min(levels), 2, args.limit, secure_headers))
    for n, level in levels.items():
        for run in range(1, args.repeats + 1):
            level.quiz.append(asyncio.run(quiz_level(app_base, n, args.seconds, course_id, args.limit, args.pause))[0])
            message = f"{n} users, run {run}: {level.quiz[-1]['save'].throughput:.0f} saves/s"
            if not args.quiz_only:
                level.floor.append(asyncio.run(floor_level(floor_base, n, args.seconds, args.limit, shape)))
                level.secure.append(asyncio.run(floor_level(secure_base, n, args.seconds, args.limit, secure_headers)))
                message += (
                    f", floor {level.floor[-1].throughput:.0f} req/s, "
                    f"secure floor {level.secure[-1].throughput:.0f} req/s"
                )
            print(message, file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    """Run each level `repeats` times, quizapp then the two floors each time, and print the table."""
    args = _arguments(argv)
    args.load_before = os.getloadavg()[0]
    levels = {n: Level() for n in args.level_list}
    with temporary_database(args.database_server) as url:
        course_id = migrate_and_seed(url, max(levels))
        conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
        create_table(conninfo)
        key = secrets.token_urlsafe(32)
        env = {
            "QUIZAPP_DATABASE_URL": url,
            "QUIZAPP_SECRET_KEY": key,
            "QUIZAPP_ENV": "development",
        }  # production would mark cookies Secure, unusable over plain http
        # All servers run throughout (an idle gunicorn costs nothing), so each quiz run and its floor runs
        # meet the same conditions on a machine whose speed drifts from minute to minute.
        with (
            gunicorn("wsgi:app", args.workers, args.threads, env, "/healthz") as app_base,
            gunicorn("bench.floor_app:app", args.workers, args.threads, {}, "/healthz") as floor_base,
            gunicorn(
                "bench.secure_floor_app:app",
                args.workers,
                args.threads,
                {"BENCH_DATABASE_URL": conninfo, "BENCH_SECRET_KEY": key},
                "/healthz",
            ) as secure_base,
        ):
            _run(args, levels, course_id, (app_base, floor_base, secure_base))
    print(report(levels, args))


if __name__ == "__main__":
    main()
