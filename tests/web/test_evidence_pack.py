"""The inspector's evidence pack (one ZIP) and one person's training record (one PDF)."""
from __future__ import annotations

import io
import zipfile

from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEvent, BulkJob, Course, User
from quizapp.training.evidence import check_evidence
from quizapp.training.records import TrainingDetails, approve, record_training, store_evidence

from ..conftest import sign_in
from ..evidence_files import png_with_metadata, small_pdf
from ..factories import certify
from .dsl_helpers import D0, DAY, T0, build_pack


def _text(pdf: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def _with_files(app: Flask, world: dict) -> dict:
    """Sam holds a real issued certificate; Tia has approved evidence, Fay (school B) too, and one is pending."""
    with app.app_context():
        s = db.session
        sam, tia, fay, dee = (s.get(User, world[k]) for k in ("staff", "other_staff", "far_staff", "dsl"))
        cert = certify(s, sam, s.get(Course, world["prevent"]), T0 - 2 * DAY)
        for person, data, approver in ((tia, small_pdf("Tia attended"), dee), (fay, small_pdf(), None),
                                       (tia, png_with_metadata(), None)):
            evidence = store_evidence(s, check_evidence(data, "x.pdf"), person, T0 - 3 * DAY)
            row = record_training(s, person, TrainingDetails("Level 2", "County", D0 - 5 * DAY, 60,
                                                             course_id=world["annual"]), evidence, person,
                                  T0 - 3 * DAY)
            if approver is not None:
                approve(s, row, approver, T0 - DAY)
        s.commit()
        return world | {"cert_number": cert.number}


def test_the_pack_holds_the_summary_exports_certificates_and_evidence(app, client, world, clock) -> None:
    data = _with_files(app, world)
    sign_in(client, world["dsl_email"])
    assert "Build the evidence pack" in client.get("/dsl/").get_data(as_text=True)
    page, response = build_pack(client)
    assert "Ready." in page and "Download the evidence pack" in page
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="evidence-pack_school-a_2026-11-23.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    names = set(archive.namelist())
    sam_folder = f"people/tester-sam-{world['staff']}"
    tia_folder = f"people/tester-tia-{world['other_staff']}"
    assert {"summary.pdf", "compliance_school-a_2026-11-23.csv", "compliance_school-a_2026-11-23.xlsx"} <= names
    assert f"{sam_folder}/certificate-{data['cert_number'].lower()}.pdf" in names
    [evidence] = [n for n in names if n.startswith(tia_folder)]  # the pending PNG is left out
    assert archive.read(evidence) == small_pdf("Tia attended")
    assert not [n for n in names if f"-{world['far_staff']}/" in n]  # school B stays out
    summary = _text(archive.read("summary.pdf"))
    assert "School A" in summary and "23 November 2026" in summary and "Required training covered" in summary
    assert "Tester, Sam" in summary and "Tester, Tia" in summary and "Tester, Fay" not in summary
    assert "Compliant (external)" in summary
    csv_text = archive.read("compliance_school-a_2026-11-23.csv").decode("utf-8-sig")
    assert "Compliant (external)" in csv_text
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "compliance.evidence_pack")).one()
        assert event.actor_id == world["dsl"] and event.details["rows"] == 4
        assert event.target == f"school:{db.session.get(User, world['dsl']).school_id}"
        job = db.session.scalars(select(BulkJob)).one()
        assert (job.state, job.done, job.total, job.file_size) == ("ready", 4, 4, len(response.data))


def test_the_pack_as_at_an_earlier_day_leaves_out_what_came_later(app, client, world, clock) -> None:
    _with_files(app, world)
    sign_in(client, world["dsl_email"])
    day = (D0 - 4 * DAY).isoformat()
    archive = zipfile.ZipFile(io.BytesIO(build_pack(client, f"as_at={day}")[1].data))
    assert not [n for n in archive.namelist() if n.startswith("people/")]
    assert f"compliance_school-a_{day}.csv" in archive.namelist()


def test_the_training_record_pdf_names_the_person_and_their_training(app, client, world, clock) -> None:
    _with_files(app, world)
    sign_in(client, world["dsl_email"])
    page = client.get(f"/dsl/people/{world['other_staff']}").get_data(as_text=True)
    assert "Download this person's training record" in page
    response = client.get(f"/dsl/people/{world['other_staff']}/training-record.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    assert "Training record: Tia Tester" in text and "Compliant (external)" in text
    assert "Level 2" in text and "Approved" in text and "Waiting for approval" in text and "CPD record" in text
    other = app.test_client()
    sign_in(other, world["other_dsl_email"])
    assert other.get(f"/dsl/people/{world['other_staff']}/training-record.pdf").status_code == 404
