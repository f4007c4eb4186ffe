"""A long quiz never loses an answer or its submit to the age of the page's CSRF token."""
from __future__ import annotations

import re
import time
from pathlib import Path

from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptQuestion

from ..clock import Clock
from ..conftest import build_app
from ..factories import DEFAULT_PASSWORD

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
AGE = 61 * 60


def _token(client: FlaskClient, path: str) -> str:
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


class _EarlierSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - AGE


def _minted_long_ago(client: FlaskClient, secret_key: str) -> str:
    """The token Flask-WTF would have put on a page loaded 61 minutes ago in this session."""
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    return URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token", signer=_EarlierSigner).dumps(raw)


def test_a_token_minted_61_minutes_ago_still_saves_and_submits(database_url: str, tmp_path: Path, people: dict,
                                                              course_id: int) -> None:
    app = build_app(database_url, tmp_path, WTF_CSRF_ENABLED=True, CLOCK=Clock())
    client = app.test_client()
    signed_in = client.post("/sign-in", data={"email": people["staff_email"], "password": DEFAULT_PASSWORD,
                                              "csrf_token": _token(client, "/sign-in")})
    assert signed_in.status_code == 302
    started = client.post(f"/courses/{course_id}/start", data={"csrf_token": _token(client, f"/courses/{course_id}")})
    attempt_id = int(re.search(r"/attempts/(\d+)", started.headers["Location"]).group(1))
    assert client.get(f"/attempts/{attempt_id}").status_code == 200
    old = _minted_long_ago(client, app.config["SECRET_KEY"])
    with app.app_context():
        item = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)).first()
        item_id, right = item.id, item.correct_option_ids
    saved = client.post(f"/attempts/{attempt_id}/answers", json={"question": item_id, "options": right},
                        headers={"X-CSRFToken": old})
    assert saved.status_code == 200 and saved.get_json()["saved"] is True, saved.get_data(as_text=True)
    submitted = client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": old})
    assert submitted.status_code == 302, submitted.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).state == "finished"
    assert client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": "forged"}).status_code == 400
    db.dispose(app)
