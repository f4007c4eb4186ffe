"""Sign-in limits that cannot lock a person out: per client behind a declared proxy, delays per account."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from quizapp.extensions import db, limiter

from ..conftest import build_app
from ..factories import DEFAULT_PASSWORD

WRONG = "wrong password 123"


def _limited_app(database_url: str, tmp_path: Path, **config: object) -> tuple[Flask, list[float]]:
    waits: list[float] = []
    app = build_app(database_url, tmp_path, RATELIMIT_ENABLED=True, SLEEP=waits.append, **config)
    if str(app.config["RATELIMIT_STORAGE_URI"]).startswith("memory://"):
        with app.app_context():
            limiter.reset()  # never on a shared Redis: other runs' counters live there
    return app, waits


def _post(client: FlaskClient, email: str, password: str, address: str, **kwargs: object):
    return client.post("/sign-in", data={"email": email, "password": password}, **kwargs,
                       environ_base={"REMOTE_ADDR": address})


def _via_proxy(client: FlaskClient, email: str, password: str, client_address: str):
    return client.post("/sign-in", data={"email": email, "password": password},
                       headers={"X-Forwarded-For": client_address}, environ_base={"REMOTE_ADDR": "10.0.0.1"})


def test_failures_from_60_addresses_through_one_proxy_do_not_stop_a_real_person(
        database_url: str, tmp_path: Path, people: dict) -> None:
    app, _waits = _limited_app(database_url, tmp_path, TRUSTED_PROXIES=1)
    client = app.test_client()
    codes = [_via_proxy(client, f"guess{i}@example.org", WRONG, f"203.0.113.{i}").status_code for i in range(60)]
    assert set(codes) == {200}
    assert _via_proxy(app.test_client(), people["staff_email"], DEFAULT_PASSWORD, "198.51.100.7").status_code == 302
    # One client failing over and over is still refused, by its own forwarded address.
    repeated = [_via_proxy(client, f"x{i}@example.org", WRONG, "203.0.113.250").status_code for i in range(31)]
    assert repeated[-1] == 429 and repeated[:30] == [200] * 30
    db.dispose(app)


def test_without_a_declared_proxy_forwarded_addresses_are_not_believed(
        database_url: str, tmp_path: Path, people: dict) -> None:
    app, _waits = _limited_app(database_url, tmp_path)
    client = app.test_client()
    codes = [_via_proxy(client, f"guess{i}@example.org", WRONG, f"203.0.113.{i}").status_code for i in range(31)]
    assert codes[-1] == 429  # all from 10.0.0.1, whatever the header claims
    db.dispose(app)


def test_failures_for_one_account_from_other_addresses_slow_it_but_the_person_still_signs_in(
        database_url: str, tmp_path: Path, people: dict) -> None:
    app, waits = _limited_app(database_url, tmp_path)
    email = people["staff_email"]
    for i in range(20):
        assert _post(app.test_client(), email, WRONG, f"203.0.113.{i}").status_code == 200
    slowed = " ".join(_post(app.test_client(), email, WRONG, "203.0.113.99").get_data(as_text=True).split())
    assert "many failed sign-ins for this account, so each try now waits 8 seconds" in slowed
    assert waits[:5] == [0.5, 1.0, 2.0, 4.0, 8.0] and max(waits) == 8.0  # growing, then capped
    assert _post(app.test_client(), email, DEFAULT_PASSWORD, "198.51.100.7").status_code == 302
    db.dispose(app)


def test_one_address_failing_for_one_account_is_refused_there_only(
        database_url: str, tmp_path: Path, people: dict) -> None:
    app, _waits = _limited_app(database_url, tmp_path)
    email = people["staff_email"]
    attacker = app.test_client()
    codes = [_post(attacker, email, WRONG, "203.0.113.5").status_code for _ in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    assert _post(attacker, email, DEFAULT_PASSWORD, "203.0.113.5").status_code == 429
    assert _post(app.test_client(), email, DEFAULT_PASSWORD, "198.51.100.7").status_code == 302
    db.dispose(app)


WORKER = """
import sys
from quizapp import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "s" * 32, "DATABASE_URL": sys.argv[1], "SERVER_NAME": "quizapp.test",
                  "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": sys.argv[2],
                  "SLEEP": lambda seconds: None})
client = app.test_client()
codes = [client.post("/sign-in", data={"email": f"nobody{i}@example.org", "password": "wrong password 123"},
                     environ_base={"REMOTE_ADDR": sys.argv[3]}).status_code for i in range(20)]
print(",".join(map(str, codes)))
"""


def test_limits_are_counted_across_two_workers_on_redis(database_url: str, tmp_path: Path, people: dict,
                                                        redis_url: str) -> None:
    """Another process (a second worker) fails 20 times; this one sees the shared count and refuses at 31."""
    address = f"2001:db8::{uuid.uuid4().hex[:4]}"  # unique per run, so nothing needs flushing
    other = subprocess.run([sys.executable, "-c", WORKER, database_url, redis_url, address], capture_output=True,
                           text=True, check=True, timeout=120, env={**os.environ})
    assert other.stdout.strip() == ",".join(["200"] * 20), other.stderr
    app, _waits = _limited_app(database_url, tmp_path, RATELIMIT_STORAGE_URI=redis_url)
    client = app.test_client()
    codes = [_post(client, f"other{i}@example.org", WRONG, address).status_code for i in range(11)]
    assert codes == [200] * 10 + [429]
    db.dispose(app)
