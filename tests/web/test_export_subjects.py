"""Who saw what, for school-wide exports: each person in an export is on record as exported, in one INSERT."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from flask import Flask
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEvent, Course, User

from ..factories import certify, make_user
from ..security.objects import Cast, client_for, seed
from .dsl_helpers import build_pack

Queries = Callable[[], AbstractContextManager[list[str]]]


def _cast(app: Flask, extra: int = 0, certified: int = 0) -> Cast:
    """The security cast plus `extra` more staff in school A, the first `certified` of them with a certificate."""
    with app.app_context():
        cast = seed(db.session)
        course = db.session.get(Course, cast.course_id)
        for i in range(extra):
            person = make_user(db.session, "staff", first_name=f"Extra{i:02d}", last_name="Crowd")
            if i < certified:
                certify(db.session, person, course, person.created_at)
        db.session.commit()
    return cast


def _exported(app: Flask, action: str) -> dict[int, tuple[int | None, str]]:
    """subject_id -> (actor, target) of the per-person rows of an export."""
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))
        return {e.subject_id: (e.actor_id, e.target) for e in events if e.subject_id is not None}


def _audit_inserts(seen: list[str]) -> list[str]:
    return [s for s in seen if s.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT")]


def _csv_ids(app: Flask, data: bytes) -> set[int]:
    emails = {line[2] for line in list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]}
    with app.app_context():
        return set(db.session.scalars(select(User.id).where(User.email.in_(emails))))


@pytest.mark.parametrize("extra", [0, 25])
def test_a_matrix_export_records_every_person_in_it_with_one_insert(app: Flask, queries: Queries,
                                                                    extra: int) -> None:
    cast = _cast(app, extra)
    dsl = client_for(app, cast, "dsl")
    with queries() as seen:
        response = dsl.get("/dsl/export.csv")
    assert response.status_code == 200
    in_file = _csv_ids(app, response.data)
    assert len(in_file) >= extra + 2  # the two school A staff and the crowd
    exported = _exported(app, "compliance.export.person")
    # The DSL exported themselves too (they are in the matrix), which is not a look at someone else's records.
    assert set(exported) == in_file - {cast.people["dsl"]}
    assert all(actor == cast.people["dsl"] and target == f"user:{pid}" for pid, (actor, target) in exported.items())
    # The export's own summary event and the per-person rows: two INSERTs whatever the number of people.
    assert len(_audit_inserts(seen)) == 2, _audit_inserts(seen)


def test_the_xlsx_export_and_the_evidence_pack_record_their_people(app: Flask) -> None:
    cast = _cast(app, 3)
    dsl = client_for(app, cast, "dsl")
    assert dsl.get("/dsl/export.xlsx").status_code == 200
    _, pack = build_pack(dsl)  # the worker records the pack's people as it marks the pack ready
    assert pack.status_code == 200
    staff = cast.people["staff"]
    assert staff in _exported(app, "compliance.export.person")
    assert staff in _exported(app, "compliance.evidence_pack.person")
    assert cast.people["other_dsl"] not in _exported(app, "compliance.evidence_pack.person")  # school B


@pytest.mark.parametrize("certified", [1, 6])
def test_a_certificate_zip_records_each_holder_once_with_one_insert(app: Flask, queries: Queries,
                                                                    certified: int) -> None:
    cast = _cast(app, certified, certified)
    admin = client_for(app, cast, "admin")
    with queries() as seen:
        response = admin.get("/admin/certificates/download.zip")
        body = response.get_data()
    assert response.status_code == 200
    holders = {n for n in zipfile.ZipFile(io.BytesIO(body)).namelist() if n != "manifest.csv"}
    exported = _exported(app, "certificate.download_zip.person")
    with app.app_context():
        expected = set(db.session.scalars(select(User.id).where(User.last_name == "Crowd")))
    assert len(holders) == certified + 1 and set(exported) == expected | {cast.people["staff"]}
    assert len(_audit_inserts(seen)) == 2, _audit_inserts(seen)


def test_a_person_sees_the_export_in_the_audit_filter_and_their_own_data(app: Flask) -> None:
    cast = _cast(app)
    assert client_for(app, cast, "dsl").get("/dsl/export.csv").status_code == 200
    admin = client_for(app, cast, "admin")
    page = admin.get("/admin/audit", query_string={"person": cast.emails["staff"]}).get_data(as_text=True)
    assert "compliance.export.person" in page
    mine = client_for(app, cast, "staff").get("/account/my-data.zip")
    data = json.loads(zipfile.ZipFile(io.BytesIO(mine.get_data())).read("data.json"))
    actions = [(e["action"], e["by"]) for e in data["sections"]["audit"]]
    with app.app_context():
        dsl = db.session.get(User, cast.people["dsl"])
        assert ("compliance.export.person", dsl.full_name) in actions


def test_recording_no_one_sends_nothing_and_ids_or_a_select_both_work(app: Flask, queries: Queries) -> None:
    from quizapp.audit import record_export_subjects

    cast = _cast(app)
    with app.app_context():
        with queries() as seen:
            record_export_subjects(db.session, None, "test.export", [])
        assert seen == []
        staff, other = cast.people["staff"], cast.people["other_staff"]
        record_export_subjects(db.session, None, "test.by_ids", [staff, staff, other], format="csv")
        record_export_subjects(db.session, db.session.get(User, staff), "test.by_select",
                               select(User.id).where(User.id.in_([staff, other])))
        db.session.commit()
        rows = db.session.execute(select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.subject_id,
                                         AuditEvent.details).where(AuditEvent.action.startswith("test."))
                                  .order_by(AuditEvent.action, AuditEvent.subject_id)).all()
    assert [tuple(r) for r in rows] == [
        ("test.by_ids", None, staff, {"format": "csv"}), ("test.by_ids", None, other, {"format": "csv"}),
        ("test.by_select", staff, other, {})]  # the exporter's own row is left out
