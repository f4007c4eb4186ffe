"""Training done elsewhere: evidence checks, recording, approval and rejection, and the database's own rules."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from quizapp.models import AuditEvent, ExternalTraining
from quizapp.training.evidence import MAX_EVIDENCE_BYTES, EvidenceRefused, check_evidence, display_name
from quizapp.training.records import TrainingDetails, TrainingRefused, approve, record_training, reject

from ..evidence_files import jpeg_with_exif, png_with_metadata, small_pdf
from ..factories import make_course, make_user

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_a_pdf_is_kept_as_it_is() -> None:
    pdf = small_pdf()
    checked = check_evidence(pdf, "C:\\Users\\me\\..\\cert.pdf")
    assert checked.data == pdf and checked.content_type == "application/pdf"
    assert checked.display_name == "cert.pdf" and len(checked.sha256) == 64


def test_images_are_reencoded_without_their_metadata() -> None:
    png = check_evidence(png_with_metadata(), "photo.png")
    assert png.content_type == "image/png" and b"secret-location" not in png.data
    with Image.open(io.BytesIO(png.data)) as image:
        assert image.size == (40, 30) and "Comment" not in image.info
    jpeg = check_evidence(jpeg_with_exif(), "scan.jpg")
    assert jpeg.content_type == "image/jpeg" and b"SpyCam" not in jpeg.data
    with Image.open(io.BytesIO(jpeg.data)) as image:
        assert image.size == (40, 30) and not image.getexif()


@pytest.mark.parametrize(("data", "message"), [
    (b"", "The file is empty"),
    (b"<html><script>alert(1)</script>", "must be a PDF, PNG or JPEG"),
    (b"%PDF-1.7\nnot really a pdf at all", "The PDF cannot be read"),
    (png_with_metadata()[:60], "The image cannot be read"),
    (b"%PDF-" + b"0" * MAX_EVIDENCE_BYTES, "larger than 10 MB"),
])
def test_wrong_corrupt_or_oversized_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(EvidenceRefused, match=message):
        check_evidence(data, "x.pdf")


def test_display_names_are_only_text() -> None:
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("a\x00b\nc.pdf") == "abc.pdf"
    assert display_name(None) == "evidence"


def _details(**overrides) -> TrainingDetails:
    values = {"title": "Level 3 DSL training", "provider": "County council", "completed_on": date(2026, 10, 1),
              "minutes": 390, "expires_on": None, "course_id": None} | overrides
    return TrainingDetails(**values)


def test_record_then_approve_sets_the_cover_and_is_audited(session) -> None:
    course = make_course(session, validity_months=24)
    person, dsl = make_user(session, "staff"), make_user(session, "dsl")
    row = record_training(session, person, _details(course_id=course.id), None, person, NOW)
    assert row.state == "pending" and row.decided_at is None and row.hours == 6.5
    approve(session, row, dsl, NOW)
    assert row.state == "approved" and row.decided_by_id == dsl.id
    assert row.valid_until == date(2028, 10, 1)  # no expiry given: the course's renewal period from completion
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["external.record", "external.approve"]
    with pytest.raises(TrainingRefused, match="already been approved or rejected"):
        reject(session, row, dsl, "Too late", NOW)


def test_an_expiry_given_is_the_cover(session) -> None:
    course = make_course(session)
    person, dsl = make_user(session, "staff"), make_user(session, "dsl")
    row = record_training(session, person, _details(course_id=course.id, expires_on=date(2027, 1, 31)), None,
                          person, NOW)
    approve(session, row, dsl, NOW)
    assert row.valid_until == date(2027, 1, 31)


def test_reject_needs_a_reason_and_nobody_approves_their_own(session) -> None:
    dsl = make_user(session, "dsl")
    own = record_training(session, dsl, _details(), None, dsl, NOW)
    with pytest.raises(TrainingRefused, match="another DSL or an admin"):
        approve(session, own, dsl, NOW)
    other = make_user(session, "dsl")
    with pytest.raises(TrainingRefused, match="Enter the reason"):
        reject(session, own, other, "  ", NOW)
    reject(session, own, other, "The certificate is for someone else.", NOW)
    assert own.state == "rejected" and own.rejection_reason == "The certificate is for someone else."


@pytest.mark.parametrize(("overrides", "field"), [
    ({"title": " "}, "title"), ({"provider": "x" * 201}, "provider"),
    ({"completed_on": date(2026, 11, 24)}, "completed_on"), ({"minutes": -1}, "hours"),
    ({"expires_on": date(2026, 9, 30)}, "expires_on"), ({"course_id": 999_999}, "course"),
])
def test_bad_details_name_their_field(session, overrides, field) -> None:
    person = make_user(session, "staff")
    with pytest.raises(TrainingRefused) as refused:
        record_training(session, person, _details(**overrides), None, person, NOW)
    assert refused.value.field == field
    assert session.scalar(select(ExternalTraining.id)) is None


@pytest.mark.parametrize("values", [
    {"state": "maybe"},
    {"state": "rejected", "decided_at": NOW, "rejection_reason": None},
    {"state": "approved", "decided_at": None},
    {"minutes": -5},
    {"expires_on": date(2020, 1, 1)},
])
def test_the_database_refuses_impossible_rows(session, values) -> None:
    person = make_user(session, "staff")
    row = record_training(session, person, _details(), None, person, NOW)
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(update(ExternalTraining).where(ExternalTraining.id == row.id).values(**values))
        session.flush()
    session.rollback()
