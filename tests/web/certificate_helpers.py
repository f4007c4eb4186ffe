"""Helpers shared by the certificate screen tests: certificates made through the real attempt operations."""
from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AttemptQuestion

from ..conftest import sign_in
from ..factories import BASE_URL, certify

__all__ = ["BASE_URL", "certify", "pass_over_http"]

def pass_over_http(app: Flask, client: FlaskClient, email: str, course_id: int) -> str:
    """Sign in, start, answer everything right and submit through the web pages; return the result page."""
    sign_in(client, email)
    started = client.post(f"/courses/{course_id}/start")
    assert started.status_code == 302, started.get_data(as_text=True)
    attempt_id = int(re.search(r"/attempts/(\d+)", started.headers["Location"]).group(1))
    with app.app_context():
        items = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)).all()
        answers = {item.id: item.correct_option_ids for item in items}
    for item_id, options in answers.items():
        assert client.post(f"/attempts/{attempt_id}/answers",
                           json={"question": item_id, "options": options}).status_code == 200
    assert client.post(f"/attempts/{attempt_id}/submit").status_code == 302
    return client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
