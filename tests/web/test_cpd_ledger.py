"""The CPD ledger on My training and the DSL person page: quizzes passed, approved training elsewhere, hours."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from quizapp.extensions import db
from quizapp.models import User
from quizapp.policies.acknowledge import acknowledge
from quizapp.training.records import reject

from ..conftest import sign_in
from ..factories import certify, make_course
from .dsl_helpers import T0, table_rows
from .external_helpers import external_record
from .policy_helpers import new_version, publish_markdown


def _seed(app, people) -> None:
    with app.app_context():
        s = db.session
        sam, dee = s.get(User, people["staff"]), s.get(User, people["dsl"])
        certify(s, sam, make_course(s, title="Annual safeguarding"), T0)  # two minutes in the quiz
        external_record(s, sam, None, date(2026, 10, 1), title="Level 3 DSL course", minutes=390, decider=dee)
        external_record(s, sam, None, date(2026, 10, 2), title="Still waiting", minutes=60)
        rejected = external_record(s, sam, None, date(2026, 10, 3), title="Turned down", minutes=60)
        reject(s, rejected, dee, "Wrong person.", T0)
        s.commit()


def test_my_training_shows_the_ledger_with_totals(app, client, people, clock) -> None:
    _seed(app, people)
    sign_in(client, people["staff_email"])
    html = client.get("/training").get_data(as_text=True)
    rows = table_rows(html, "cpd")
    assert rows[:2] == [["23 November 2026", "Annual safeguarding", "Quiz passed", "100 %", "0.03"],
                        ["1 October 2026", "Level 3 DSL course", "Training done elsewhere", "County council", "6.5"]]
    assert rows[-1] == ["Total", "6.53"]
    assert "Still waiting" not in html and "Turned down" not in html
    assert "2 activities" in html and "quiz passed 1 (0.03 hours); training done elsewhere 1 (6.5 hours)" in html


def test_the_dsl_sees_the_same_ledger_on_the_person_page(app, client, people, clock) -> None:
    _seed(app, people)
    sign_in(client, people["dsl_email"])
    html = client.get(f"/dsl/people/{people['staff']}").get_data(as_text=True)
    assert table_rows(html, "cpd")[-1] == ["Total", "6.53"]
    other = app.test_client()
    sign_in(other, people["other_dsl_email"])
    assert other.get(f"/dsl/people/{people['staff']}").status_code == 404


def test_each_acknowledged_policy_version_is_a_line_without_hours(app, client, people, clock) -> None:
    _seed(app, people)
    with app.app_context():
        s = db.session
        sam = s.get(User, people["staff"])
        policy = publish_markdown(s, s.get(User, people["admin"]), at=T0 - timedelta(days=30),
                                  effective=date(2026, 10, 20))
        acknowledge(s, sam, policy.versions[0], policy.versions[0].sha256, datetime(2026, 10, 25, 8, tzinfo=UTC))
        new_version(s, policy, "2.0", material=True, note="New duties.", at=T0 - timedelta(days=10),
                    effective=date(2026, 11, 13))
        acknowledge(s, sam, policy.versions[1], policy.versions[1].sha256, datetime(2026, 11, 14, 8, tzinfo=UTC))
        s.commit()
    sign_in(client, people["staff_email"])
    html = client.get("/training").get_data(as_text=True)
    rows = table_rows(html, "cpd")
    assert ["14 November 2026", "Child protection policy", "Policy acknowledged", "Version 2.0", "–"] in rows
    assert ["25 October 2026", "Child protection policy", "Policy acknowledged", "Version 1.0", "–"] in rows
    assert rows[-1] == ["Total", "6.53"]  # no reading time is claimed for a policy
    assert "4 activities" in html and "policy acknowledged 2;" in html
    dsl = app.test_client()
    sign_in(dsl, people["dsl_email"])
    person_rows = table_rows(dsl.get(f"/dsl/people/{people['staff']}").get_data(as_text=True), "cpd")
    assert person_rows == rows
