"""The demo school holds a policy that some of its staff have acknowledged and others have not."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from quizapp.demo.policies import TITLE
from quizapp.extensions import db
from quizapp.models import Policy, PolicyAcknowledgement, User

from ..conftest import sign_in
from .dsl_helpers import table_rows


def test_the_demo_policy_is_acknowledged_by_some_staff(app: Flask, monkeypatch) -> None:
    monkeypatch.setenv("QUIZAPP_DEMO_PASSWORD", "demo password 2026")
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        policy = db.session.scalar(select(Policy))
        assert policy.title == TITLE and policy.all_staff
        people = db.session.scalar(select(func.count()).select_from(User)) or 0
        acknowledged = db.session.scalar(select(func.count()).select_from(PolicyAcknowledgement)) or 0
        assert 0 < acknowledged < people
    client = app.test_client()
    sign_in(client, "admin@demo.school", "demo password 2026")
    statuses = {row[-1].split(" ")[0] for row in table_rows(client.get("/dsl/").get_data(as_text=True), "matrix")}
    assert {"Acknowledged", "Due"} <= statuses  # demo accounts are new, so the rest still have time
