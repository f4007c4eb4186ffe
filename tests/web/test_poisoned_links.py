"""Links in mail and certificates come from the configured base URL; a forged Host header is refused."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from quizapp import create_app
from quizapp.config import ConfigError, load_settings
from quizapp.extensions import db
from quizapp.models import AttemptQuestion, Certificate

from ..conftest import build_app, sign_in
from ..factories import make_user
from ..smtp import Inbox, use_smtp
from .quiz_helpers import start_attempt

BASE = "https://training.example.sch.uk/"
FORGED = {"Host": "evil.example"}


def _person(app: Flask) -> str:
    with app.app_context():
        email: str = make_user(db.session, first_name="Robin").email
        db.session.commit()
    return email


@pytest.mark.parametrize("base_url", [None, BASE])
def test_forged_host_on_the_reset_form_mails_nothing(database_url: str, tmp_path: Path, smtp_inbox: Inbox,
                                                     base_url: str | None) -> None:
    app = build_app(database_url, tmp_path, BASE_URL=base_url)
    use_smtp(app, smtp_inbox)
    email = _person(app)
    forged = app.test_client().post("/account/forgotten", data={"email": email}, headers=FORGED)
    assert forged.status_code == 400
    assert smtp_inbox.messages == []
    honest = app.test_client().post("/account/forgotten", data={"email": email})
    assert honest.status_code == 200
    body = Inbox.text(smtp_inbox.messages[0])
    assert "evil.example" not in body
    assert re.search(r"https?://(training\.example\.sch\.uk|quizapp\.test)/account/reset/", body)
    if base_url:
        assert BASE + "account/reset/" in body
    db.dispose(app)


@pytest.mark.parametrize("base_url", [None, BASE])
def test_forged_host_on_a_submit_issues_no_certificate(database_url: str, tmp_path: Path, people: dict,
                                                       course_id: int, base_url: str | None) -> None:
    app = build_app(database_url, tmp_path, BASE_URL=base_url)
    client = app.test_client()
    sign_in(client, people["staff_email"])
    attempt_id = start_attempt(client, course_id)
    with app.app_context():
        items = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt_id)).all()
        answers = {item.id: item.correct_option_ids for item in items}
    for item_id, options in answers.items():
        client.post(f"/attempts/{attempt_id}/answers", json={"question": item_id, "options": options})
    assert client.post(f"/attempts/{attempt_id}/submit", headers=FORGED).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    assert client.post(f"/attempts/{attempt_id}/submit").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
    db.dispose(app)


def test_production_requires_the_base_url(tmp_path: Path) -> None:
    env = {"QUIZAPP_ENV": "production", "QUIZAPP_DATABASE_URL": "postgresql://db/quizapp",
           "QUIZAPP_SECRET_KEY": "k" * 40}
    with pytest.raises(ConfigError, match="QUIZAPP_BASE_URL must be set"):
        load_settings(tmp_path, env)
    settings = load_settings(tmp_path, {**env, "QUIZAPP_BASE_URL": "https://training.example.sch.uk"})
    assert settings["BASE_URL"] == BASE
    with pytest.raises(ConfigError, match="QUIZAPP_BASE_URL must be an address"):
        load_settings(tmp_path, {**env, "QUIZAPP_BASE_URL": "training.example.sch.uk"})


def test_production_trusts_only_the_base_url_host(tmp_path: Path) -> None:
    app = create_app({"QUIZAPP_ENV": "production", "SECRET_KEY": "k" * 40, "DATABASE_URL": "sqlite://",
                      "BASE_URL": BASE, "TESTING": True})
    assert app.config["TRUSTED_HOSTS"] == ["training.example.sch.uk"]
    client = app.test_client()
    assert client.get("/healthz", headers={"Host": "training.example.sch.uk"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "localhost"}).status_code == 400
    assert client.get("/healthz", headers=FORGED).status_code == 400
