"""Required policies in the status filter, the summary figures and the chart, counted in the course buckets."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask

from quizapp.extensions import db
from quizapp.models import User

from ..conftest import sign_in
from .dsl_helpers import T0, table_rows
from .policy_helpers import publish_markdown
from .test_policy_compliance import _policies

DAY = timedelta(days=1)


def _names(client, query: str) -> list[str]:
    rows = table_rows(client.get(f"/dsl/{query}").get_data(as_text=True), "matrix")
    return sorted(row[0].split(",")[1].strip() for row in rows)


def test_the_status_filter_counts_policies_in_the_course_buckets(app: Flask, client, world: dict):
    sign_in(client, world["admin_email"])
    assert _names(client, "?status=covered") == ["Ada", "Fay", "Sam"]
    _policies(app, world)  # Sam acknowledged the policy for all staff; everyone else is overdue
    assert _names(client, "?status=covered") == ["Sam"]  # Acknowledged counts as covered
    assert "Ada" in _names(client, "?status=expired")  # Overdue counts as Expired
    assert "Sam" not in _names(client, "?status=expired")
    assert "Fay" in _names(client, "?status=not_covered")
    assert _names(client, "?status=not_started") == ["Dee", "Ola"]  # a course not started; no policy is Due yet
    assert "Ada" in _names(client, "?course={prevent}&status=covered".format(**world))  # one course: no policies
    with app.app_context():
        publish_markdown(db.session, db.session.get(User, world["admin"]), "Staff code of conduct", at=T0 - DAY,
                         effective=T0.date())
        db.session.commit()
    assert "Sam" in _names(client, "?status=not_started")  # Due (within the days allowed) counts as Not started


def test_the_summary_and_the_chart_count_required_policies(app: Flask, client, world: dict):
    world = _policies(app, world)
    sign_in(client, world["admin_email"])
    html = client.get("/dsl/").get_data(as_text=True)
    assert "Child protection policy (policy): 16 % acknowledged (1 of 6)" in html
    assert "Lone working policy (policy): no one in view has a version of it to read" in html
    data = {row[0]: row[1:] for row in table_rows(html, "chart-data")}
    # Compliant, Due soon, Update required, In progress, Update overdue, Expired, Not started, Covered
    assert data["Child protection policy (policy)"] == ["1", "0", "0", "0", "0", "5", "0", "16 %"]
    assert data["All required courses and policies"][-1] == "44 %"  # 7 of 12 course places, 1 of 6 policy places
    assert "staff covered for every required course and policy" in html
    assert 'Acknowledged as "Compliant" (covered), Due (not yet acknowledged' in html
    only_course = client.get(f"/dsl/?course={world['prevent']}").get_data(as_text=True)
    assert "(policy):" not in only_course and "All required courses</th>" in only_course
