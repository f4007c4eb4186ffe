"""The secure-save floor: the least an answer save that is signed in and CSRF-checked can cost on this stack.

A bare Flask app that reads the signed session cookie, checks a Flask-WTF CSRF token from the header and runs
one small UPDATE in autocommit on its own per-thread connection, and does nothing else (no user, attempt,
deadline or option check). `gunicorn bench.secure_floor_app:app` runs beside quizapp and the plain floor
(bench/floor_app.py) under the same settings; bench/load.py drives all three the same way. It is a yardstick,
not a design: it shows how much of a save's cost any secure save pays here.
"""
from __future__ import annotations

import json
import os
import threading

import psycopg
from flask import Flask, jsonify, request, session
from flask_wtf.csrf import CSRFProtect, generate_csrf

TABLE = "bench_secure_floor"
ROWS = 1000

app = Flask(__name__)
app.secret_key = os.environ.get("BENCH_SECRET_KEY", "")
CSRFProtect(app)
_local = threading.local()


def create_table(conninfo: str) -> None:
    """The table the saves update: ROWS small rows, one per question number modulo ROWS."""
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f"CREATE TABLE {TABLE} (id integer PRIMARY KEY, answer text)")
        connection.execute(f"INSERT INTO {TABLE} SELECT n, '[]' FROM generate_series(1, {ROWS}) AS n")


def _connection() -> psycopg.Connection:
    """This thread's own connection, opened on first use: the cheapest way from a thread to PostgreSQL."""
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = _local.connection = psycopg.connect(os.environ["BENCH_DATABASE_URL"], autocommit=True)
    return connection


@app.get("/session")
def start_session():
    """Sign the client in as quizapp does (its session cookie) and hand over a CSRF token."""
    session["_user_id"] = "1-" + "n" * 22
    return generate_csrf()


@app.post("/save")
def save():
    """Save the posted options for the question's row if the session is signed in."""
    payload = request.get_json(silent=True) or {}
    question, options = payload.get("question"), payload.get("options")
    if "_user_id" not in session or not isinstance(question, int) or not isinstance(options, list):
        return jsonify(saved=False), 400
    rows = _connection().execute(f"UPDATE {TABLE} SET answer = %s WHERE id = %s",  # nosec B608 - constant name
                                 (json.dumps(options), question % ROWS + 1)).rowcount
    return jsonify(saved=rows == 1, seconds_left=1200)


@app.get("/healthz")
def healthz():
    """Ready check for the benchmark driver."""
    return {"status": "ok"}
