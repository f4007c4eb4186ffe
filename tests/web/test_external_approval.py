"""The DSL's approval queue, and approved training done elsewhere counting in the matrix, exports and pages."""
from __future__ import annotations

import csv
import io
import re

from flask import Flask
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEvent, ExternalTraining, User
from quizapp.notify.reminders import due_people

from ..conftest import sign_in
from .dsl_helpers import D0, DAY, T0, table_rows
from .external_helpers import external_record, post_training


def _pending_for(app: Flask, key: str, world: dict, course_id: int | None = None) -> int:
    with app.app_context():
        row = external_record(db.session, db.session.get(User, world[key]), course_id, D0 - 10 * DAY,
                              D0 + 100 * DAY)
        db.session.commit()
        return row.id


def _state(app: Flask, record_id: int) -> tuple[str, str | None]:
    with app.app_context():
        row = db.session.get(ExternalTraining, record_id)
        return row.state, row.rejection_reason


def _tia_annual(client, query: str = "") -> str:
    rows = table_rows(client.get(f"/dsl/{query}").get_data(as_text=True), "matrix")
    [tia] = [row for row in rows if row[0].endswith("Tia")]
    return tia[2]  # Name, Staff group, Annual safeguarding, Prevent duty


def test_the_queue_shows_only_the_dsls_school(app, client, world, clock) -> None:
    ours, theirs = _pending_for(app, "other_staff", world), _pending_for(app, "far_staff", world)
    sign_in(client, world["dsl_email"])
    html = client.get("/dsl/training-elsewhere").get_data(as_text=True)
    assert f"/dsl/training-elsewhere/{ours}/decision" in html
    assert f"/dsl/training-elsewhere/{theirs}/decision" not in html
    response = client.post(f"/dsl/training-elsewhere/{theirs}/decision", data={"decision": "approve"})
    assert response.status_code == 404 and _state(app, theirs) == ("pending", None)
    admin = app.test_client()
    sign_in(admin, world["admin_email"])
    assert f"/dsl/training-elsewhere/{theirs}/decision" in admin.get("/dsl/training-elsewhere").get_data(as_text=True)


def test_approving_counts_the_mapped_course_as_external(app, client, world, clock) -> None:
    record_id = _pending_for(app, "other_staff", world, world["annual"])
    sign_in(client, world["dsl_email"])
    assert _tia_annual(client).startswith("Expired")  # pending records do not count
    response = client.post(f"/dsl/training-elsewhere/{record_id}/decision", data={"decision": "approve"})
    assert response.status_code == 302 and _state(app, record_id) == ("approved", None)
    assert _tia_annual(client).startswith("Compliant external until")
    assert _tia_annual(client, f"?as_at={(D0 - DAY).isoformat()}").startswith("Expired")  # not approved yet then
    rows = list(csv.reader(io.StringIO(client.get("/dsl/export.csv").get_data(as_text=True).lstrip("\ufeff"))))
    [tia] = [row for row in rows if row[1] == "Tia"]
    assert tia[5:7] == ["Compliant (external)", (D0 + 100 * DAY).isoformat()]
    person = client.get(f"/dsl/people/{world['other_staff']}").get_data(as_text=True)
    assert "external" in table_rows(person, "")[0][1]
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "external.approve")).one()
        assert event.actor_id == world["dsl"] and event.target == f"external:{record_id}"


def test_the_person_sees_the_course_met_on_my_training(app, client, world, clock) -> None:
    with app.app_context():
        s = db.session
        external_record(s, s.get(User, world["other_staff"]), world["annual"], D0 - 10 * DAY, D0 + 100 * DAY,
                        decider=s.get(User, world["dsl"]), decided_at=T0 - DAY)
        s.commit()
    sign_in(client, world["other_staff_email"])
    html = client.get("/training").get_data(as_text=True)
    annual = html[html.index("Annual safeguarding"):html.index("Prevent duty")]
    assert "Passed" in annual and "Expired" not in annual


def test_an_expired_external_record_stops_counting(app, client, world, clock) -> None:
    with app.app_context():
        s = db.session
        external_record(s, s.get(User, world["other_staff"]), world["annual"], D0 - 400 * DAY, D0 - 2 * DAY,
                        decider=s.get(User, world["dsl"]), decided_at=T0 - 300 * DAY)
        s.commit()
    sign_in(client, world["dsl_email"])
    assert _tia_annual(client).startswith("Expired external on")
    assert _tia_annual(client, f"?as_at={(D0 - 3 * DAY).isoformat()}").startswith("Due soon external until")


def test_rejecting_needs_a_reason_which_the_person_sees(app, client, world, clock) -> None:
    record_id = _pending_for(app, "other_staff", world, world["annual"])
    sign_in(client, world["dsl_email"])
    refused = client.post(f"/dsl/training-elsewhere/{record_id}/decision", data={"decision": "reject", "reason": ""})
    assert refused.status_code == 400 and "Enter the reason" in refused.get_data(as_text=True)
    assert _state(app, record_id) == ("pending", None)
    client.post(f"/dsl/training-elsewhere/{record_id}/decision",
                data={"decision": "reject", "reason": "The certificate shows another name."})
    assert _state(app, record_id) == ("rejected", "The certificate shows another name.")
    assert _tia_annual(client).startswith("Expired")
    person = app.test_client()
    sign_in(person, world["other_staff_email"])
    html = person.get("/training-elsewhere").get_data(as_text=True)
    assert "Rejected" in html and "The certificate shows another name." in html
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("external.%"))).all() == [
            "external.record", "external.reject"]


def test_a_dsl_cannot_approve_their_own(app, client, world, clock) -> None:
    sign_in(client, world["dsl_email"])
    post_training(client)
    with app.app_context():
        record_id = db.session.scalars(select(ExternalTraining.id)).one()
    assert f"/{record_id}/decision" not in client.get("/dsl/training-elsewhere").get_data(as_text=True)
    client.post(f"/dsl/training-elsewhere/{record_id}/decision", data={"decision": "approve"})
    assert _state(app, record_id) == ("pending", None)


def test_reminders_leave_alone_a_course_covered_elsewhere(app, world, clock) -> None:
    def tia_courses() -> set[int]:
        with app.app_context():
            due = due_people(db.session, T0, 30)
            return {c.course_id for p in due if p.user_id == world["other_staff"] for c in p.courses}

    assert world["annual"] in tia_courses()  # expired certificate
    with app.app_context():
        s = db.session
        external_record(s, s.get(User, world["other_staff"]), world["annual"], D0 - 10 * DAY, D0 + 100 * DAY,
                        decider=s.get(User, world["dsl"]), decided_at=T0 - DAY)
        s.commit()
    assert world["annual"] not in tia_courses()


def test_the_summary_counts_approved_external_cover_as_covered(app, client, world, clock) -> None:
    def covered() -> tuple[int, int]:
        html = client.get("/dsl/?status=covered").get_data(as_text=True)
        places = re.search(r"\((\d+) of (\d+) required places\)", html)
        return int(places.group(1)), len(table_rows(html, "matrix"))

    record_id = _pending_for(app, "other_staff", world, world["annual"])
    sign_in(client, world["dsl_email"])
    before = covered()
    client.post(f"/dsl/training-elsewhere/{record_id}/decision", data={"decision": "approve"})
    places, people = covered()
    assert places == before[0] + 1  # counted in SQL by the summary, as the cell shows it
    assert people == before[1]  # Tia still lacks Prevent duty, so is not covered for everything
