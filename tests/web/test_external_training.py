"""Recording training done elsewhere: the person's own form, the checks on evidence, who may download it."""
from __future__ import annotations

import io

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import EvidenceFile, ExternalTraining
from quizapp.training.evidence import MAX_EVIDENCE_BYTES

from ..conftest import sign_in
from ..evidence_files import jpeg_with_exif, small_pdf
from .external_helpers import post_training


def _count(app: Flask, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _only_record(app: Flask) -> ExternalTraining:
    with app.app_context():
        row = db.session.scalars(select(ExternalTraining)).one()
        db.session.expunge(row)
        return row


def test_my_training_links_to_recording_it(client, people, clock) -> None:
    sign_in(client, people["staff_email"])
    html = client.get("/training").get_data(as_text=True)
    assert "Record training done elsewhere" in html and 'href="/training-elsewhere/new"' in html


def test_staff_record_their_own_with_a_pdf(app, client, people, clock) -> None:
    sign_in(client, people["staff_email"])
    response = post_training(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/training-elsewhere")
    row = _only_record(app)
    assert (row.user_id, row.state, row.minutes, row.recorded_by_id) == (people["staff"], "pending", 390,
                                                                         people["staff"])
    page = client.get("/training-elsewhere").get_data(as_text=True)
    assert "Level 3 DSL training" in page and "Waiting for approval" in page and "certificate.pdf" in page
    with app.app_context():
        stored = db.session.get(EvidenceFile, row.evidence_id)
        assert stored.data == small_pdf() and stored.content_type == "application/pdf"


def test_a_jpeg_is_stored_without_its_metadata(app, client, people, clock) -> None:
    sign_in(client, people["staff_email"])
    assert post_training(client, evidence=jpeg_with_exif(), name="photo.jpg").status_code == 302
    with app.app_context():
        stored = db.session.scalars(select(EvidenceFile)).one()
        assert stored.content_type == "image/jpeg" and b"SpyCam" not in stored.data
        assert not Image.open(io.BytesIO(stored.data)).getexif()


@pytest.mark.parametrize(("evidence", "name", "message"), [
    (b"<svg onload=alert(1)>", "cert.pdf", "The file must be a PDF, PNG or JPEG"),
    (b"%PDF-1.4\ntruncated", "cert.pdf", "The PDF cannot be read"),
    (b"\x89PNG\r\n\x1a\nnonsense", "cert.png", "The image cannot be read"),
    (b"%PDF-" + b"1" * MAX_EVIDENCE_BYTES, "big.pdf", "The file is larger than 10 MB"),
])
def test_bad_files_get_a_message_on_the_field_and_nothing_is_stored(app, client, people, clock, evidence, name,
                                                                     message) -> None:
    sign_in(client, people["staff_email"])
    response = post_training(client, evidence=evidence, name=name)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert 'id="evidence-error"' in html and 'aria-invalid="true"' in html
    assert _count(app, ExternalTraining) == 0 and _count(app, EvidenceFile) == 0


def test_bad_fields_are_named_and_nothing_is_stored(app, client, people, clock) -> None:
    sign_in(client, people["staff_email"])
    html = post_training(client, title="", hours="lots", completed_on="2030-01-01",
                         expires_on="2020-01-01").get_data(as_text=True)
    assert "Enter the title of the training." in html and "Enter hours as a number" in html
    assert _count(app, ExternalTraining) == 0 and _count(app, EvidenceFile) == 0
    html = post_training(client, completed_on="2026-11-24").get_data(as_text=True)
    assert "Enter today&#39;s date or an earlier one." in html
    assert _count(app, EvidenceFile) == 0


def test_a_request_far_over_the_limit_is_refused_whole(app, client, people, clock) -> None:
    sign_in(client, people["staff_email"])
    response = post_training(client, evidence=b"%PDF-" + b"1" * (MAX_EVIDENCE_BYTES + 1024 * 1024))
    assert response.status_code == 413 and _count(app, EvidenceFile) == 0


def test_evidence_goes_only_to_the_owner_their_dsl_and_admins(app, client, people, clock) -> None:
    sign_in(client, people["staff_email"])
    post_training(client)
    row = _only_record(app)
    url = f"/training-elsewhere/{row.id}/evidence"
    for who, status in (("staff", 200), ("other_staff", 404), ("dsl", 200), ("other_dsl", 404), ("admin", 200)):
        viewer = app.test_client()
        sign_in(viewer, people[f"{who}_email"])
        response = viewer.get(url)
        assert response.status_code == status, who
        if status == 200:
            assert response.data == small_pdf() and response.mimetype == "application/pdf"
            assert response.headers["Content-Disposition"] == f'attachment; filename="evidence-{row.id}.pdf"'
            assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_dsl_records_for_their_staff_and_it_counts_at_once(app, client, people, clock) -> None:
    sign_in(client, people["dsl_email"])
    page = client.get(f"/dsl/people/{people['staff']}").get_data(as_text=True)
    assert "Record training done elsewhere for" in page
    response = post_training(client, f"/dsl/people/{people['staff']}/training-elsewhere/new")
    assert response.status_code == 302
    row = _only_record(app)
    assert (row.user_id, row.state, row.decided_by_id, row.recorded_by_id) == (
        people["staff"], "approved", people["dsl"], people["dsl"])
    assert post_training(client, f"/dsl/people/{people['far_staff']}/training-elsewhere/new").status_code == 404
    assert _count(app, ExternalTraining) == 1
