"""The framework floor: a bare Flask app answering a save-sized JSON POST, served like the real one.

`gunicorn bench.floor_app:app` under the same workers and threads as quizapp; bench/load.py drives both.
"""
from __future__ import annotations

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/save")
def save():
    """Read the JSON body and answer as the real save does, with no database or session."""
    payload = request.get_json(silent=True) or {}
    return jsonify(saved=isinstance(payload.get("question"), int), seconds_left=1200)


@app.get("/healthz")
def healthz():
    """Ready check for the benchmark driver."""
    return {"status": "ok"}
