"""The demo school holds training done elsewhere of every kind, so a DSL trying the demo sees each one."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from quizapp.demo.external import INSET, LEVEL_3
from quizapp.extensions import db
from quizapp.models import ExternalTraining, User

from ..conftest import sign_in
from .dsl_helpers import table_rows

PASSWORD = "demo password 2026"


def test_the_demo_has_approved_waiting_rejected_and_group_records(app: Flask, monkeypatch) -> None:
    monkeypatch.setenv("QUIZAPP_DEMO_PASSWORD", PASSWORD)
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        rows = db.session.scalars(select(ExternalTraining)).all()
        states = {row.title: row.state for row in rows}
        assert states[LEVEL_3] == "approved" and "rejected" in states.values() and "pending" in states.values()
        level_3 = next(row for row in rows if row.title == LEVEL_3)
        assert level_3.evidence_id is not None and level_3.course_id is not None and level_3.valid_until
        session_rows = [row for row in rows if row.title == INSET]
        assert len(session_rows) >= 3 and {row.state for row in session_rows} == {"approved"}
        rejected = next(row for row in rows if row.state == "rejected")
        assert rejected.rejection_reason
        dana = db.session.scalars(select(User).where(User.email == "dsl@demo.school")).one()
    client = app.test_client()
    sign_in(client, "dsl@demo.school", PASSWORD)
    waiting = client.get("/dsl/training-elsewhere").get_data(as_text=True)
    assert "Mandatory reporting: local authority briefing" in waiting and "Sam Teacher" in waiting
    matrix = client.get("/dsl/?q=dana").get_data(as_text=True)
    assert "external" in " ".join(" ".join(r) for r in table_rows(matrix, "matrix"))
    ledger = table_rows(client.get(f"/dsl/people/{dana.id}").get_data(as_text=True), "cpd")
    assert any(LEVEL_3 in row for row in ledger)
