"""Who saw what: looking at someone else's records is in the audit trail with whose records they were."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEvent

from ..clock import Clock
from ..security.objects import Cast, client_for, seed


def _cast(app: Flask) -> Cast:
    with app.app_context():
        return seed(db.session)


def _about(app: Flask, subject_id: int, action: str | None = None) -> list[tuple[int | None, str, str]]:
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.subject_id == subject_id).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        return [(e.actor_id, e.action, e.target) for e in db.session.scalars(query)]


def test_a_dsl_viewing_a_persons_page_is_recorded_once_per_few_minutes(app: Flask, clock: Clock) -> None:
    cast = _cast(app)
    dsl, staff_id = client_for(app, cast, "dsl"), cast.people["staff"]
    assert dsl.get(f"/dsl/people/{staff_id}").status_code == 200
    clock.advance(minutes=4)
    dsl.get(f"/dsl/people/{staff_id}")  # a reload: the same look
    assert _about(app, staff_id, "person.view") == [(cast.people["dsl"], "person.view", f"user:{staff_id}")]
    clock.advance(minutes=2)
    dsl.get(f"/dsl/people/{staff_id}")
    assert len(_about(app, staff_id, "person.view")) == 2


def test_reviews_certificates_evidence_and_the_admin_page_are_recorded(app: Flask, clock: Clock) -> None:
    cast = _cast(app)
    staff_id, dsl_id, admin_id = (cast.people[k] for k in ("staff", "dsl", "admin"))
    dsl, admin = client_for(app, cast, "dsl"), client_for(app, cast, "admin")
    assert dsl.get(f"/attempts/{cast.attempt_id}/result").status_code == 200
    assert dsl.get(f"/certificates/{cast.certificate_id}/download").status_code == 200
    assert dsl.get(f"/training-elsewhere/{cast.external_id}/evidence").status_code == 200
    assert admin.get(f"/admin/users/{staff_id}").status_code == 200
    assert admin.get(f"/dsl/people/{staff_id}/training-record.pdf").status_code == 200
    seen = {(actor, action) for actor, action, _target in _about(app, staff_id)}
    assert {(dsl_id, "attempt.review_view"), (dsl_id, "certificate.download"),
            (dsl_id, "external.evidence_download"), (admin_id, "person.admin_view"),
            (admin_id, "person.training_record")} <= seen


def test_looking_at_your_own_records_is_not_a_view_of_someone_else(app: Flask, clock: Clock) -> None:
    cast = _cast(app)
    staff = client_for(app, cast, "staff")
    assert staff.get(f"/attempts/{cast.attempt_id}/result").status_code == 200
    assert _about(app, cast.people["staff"], "attempt.review_view") == []


def test_the_audit_trail_filters_by_person(app: Flask, clock: Clock) -> None:
    cast = _cast(app)
    dsl, admin = client_for(app, cast, "dsl"), client_for(app, cast, "admin")
    dsl.get(f"/dsl/people/{cast.people['staff']}")
    dsl.get(f"/dsl/people/{cast.people['other_staff']}")
    page = admin.get("/admin/audit", query_string={"person": cast.emails["staff"].upper()}).get_data(as_text=True)
    assert "person.view" in page and f"user:{cast.people['staff']}" in page
    assert f"user:{cast.people['other_staff']}<" not in page
    unknown = admin.get("/admin/audit", query_string={"person": "nobody@example.org"}).get_data(as_text=True)
    assert "Person: nobody has the email nobody@example.org." in unknown and "No events match." in unknown
    person_page = admin.get(f"/admin/users/{cast.people['staff']}").get_data(as_text=True)
    assert f'href="/admin/audit?person={cast.emails["staff"]}"' in person_page
