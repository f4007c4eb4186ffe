"""The subject access export holds every record about the person, and nothing about anyone else."""
from __future__ import annotations

import io
import json
import zipfile

from flask import Flask
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    AuditEvent,
    BankReviewAlert,
    Base,
    Certificate,
    ExternalTraining,
    JoinRequest,
    OidcLink,
    OutboxMessage,
    PolicyAcknowledgement,
    PolicyReminderLog,
    PolicyReviewAlert,
    ReminderLog,
    User,
    UserSession,
)
from quizapp.people.privacy_export import ACTED_ON, SECTIONS, USER_COLUMNS
from quizapp.people.privacy_zip import export_zip

from ..clock import Clock
from ..privacy_people import build_everything


def _user_columns() -> set[str]:
    """Every column in the models that points at a person: a foreign key to user_account, or a copied user_id."""
    found = {"user_account.id"}
    for table in Base.metadata.tables.values():
        for column in table.columns:
            points = any(fk.column.table.name == "user_account" for fk in column.foreign_keys)
            if points or column.name == "user_id":
                found.add(f"{table.name}.{column.name}")
    return found


def test_every_column_about_a_person_is_exported_or_declared_as_an_action_on_another_record() -> None:
    missing = sorted(_user_columns() - set(USER_COLUMNS))
    assert not missing, f"add these to USER_COLUMNS in quizapp/people/privacy_export.py: {missing}"
    assert not set(USER_COLUMNS) - _user_columns(), "USER_COLUMNS names a column the models no longer have"
    keys = {section.key for section in SECTIONS}
    assert all(value in keys or value == ACTED_ON for value in USER_COLUMNS.values())


def _export(session, person_id: int, now) -> tuple[dict, zipfile.ZipFile]:
    data = b"".join(export_zip(session, person_id, "Test School", now))
    archive = zipfile.ZipFile(io.BytesIO(data))
    return json.loads(archive.read("data.json")), archive


def _ids(session, column, person_id: int) -> set[int]:
    table = column.class_
    return set(session.scalars(select(table.id).where(column == person_id)))


def test_export_matches_the_database_table_by_table(app: Flask, clock: Clock) -> None:
    with app.app_context():
        session = db.session
        person = build_everything(session, clock.now)
        other = build_everything(session, clock.now, first_name="Sam", last_name="Other")
        data, archive = _export(session, person.person_id, clock.now)
        sections = data["sections"]
        exported = {key: {row["id"] for row in rows if "id" in row} for key, rows in sections.items()}
        assert sections["profile"][0]["id"] == person.person_id and sections["profile"][0]["extra_time_pct"] == 25
        assert "password_hash" not in sections["profile"][0] and "auth_nonce" not in sections["profile"][0]
        for key, column in (("identity_provider_links", OidcLink.user_id), ("attempts", Attempt.user_id),
                            ("certificates", Certificate.user_id), ("external_training", ExternalTraining.user_id),
                            ("policy_acknowledgements", PolicyAcknowledgement.user_id),
                            ("join_requests", JoinRequest.user_id), ("sessions", UserSession.user_id),
                            ("emails", OutboxMessage.user_id)):
            expected = _ids(session, column, person.person_id)
            if key == "sessions":  # listed through the session store, whose ids are strings in either store
                expected = {str(i) for i in expected}
            assert exported[key] == expected != set(), key
        answers = set(session.scalars(select(AttemptQuestion.id).join(Attempt).where(
            Attempt.user_id == person.person_id)))
        assert exported["answers"] == answers and len(answers) == 4
        assert all(row["your_answer"] for row in sections["answers"])
        for record, model in (("reminder_log", ReminderLog), ("policy_reminder_log", PolicyReminderLog),
                              ("policy_review_alert", PolicyReviewAlert), ("bank_review_alert", BankReviewAlert)):
            got = {row["id"] for row in sections["reminders"] if row["record"] == record}
            assert got == _ids(session, model.user_id, person.person_id) != set(), record
        targets = {f"user:{person.person_id}", f"certificate:{session.get(Certificate, person.certificate_id).number}"}
        targets |= {f"external:{i}" for i in exported["external_training"]}
        targets |= {f"join_request:{i}" for i in exported["join_requests"]}
        audit = {event.id for event in session.scalars(select(AuditEvent))
                 if person.person_id in (event.actor_id, event.subject_id) or event.target in targets}
        assert exported["audit"] == audit
        assert {e["action"] for e in sections["audit"]} >= {"auth.sign_in", "user.update", "external.reject",
                                                           "person.view"}
        assert "token_hash" not in sections["sessions"][0] and "Firefox" in sections["sessions"][0]["browser"]
        assert [row["what"] for row in sections["sign_ins"]] == ["signed in"]
        names = set(archive.namelist())
        cert = session.get(Certificate, person.certificate_id)
        assert f"certificates/{cert.number}.pdf" in names
        assert {f"evidence/evidence-{i}.pdf" for i in person.evidence_ids} <= names
        assert archive.read(f"certificates/{cert.number}.pdf").startswith(b"%PDF-")
        html = archive.read("summary.html").decode()
        assert "Data held about Priya Natarajan" in html and cert.number in html
        # Nothing about the other person: not their name, nor their files.
        blob = archive.read("data.json").decode() + html
        assert "Sam" not in blob and "Other" not in blob
        assert not {f"evidence/evidence-{i}.pdf" for i in other.evidence_ids} & names


def test_summary_escapes_what_people_typed(app: Flask, clock: Clock) -> None:
    with app.app_context():
        person = build_everything(db.session, clock.now, first_name="<script>alert(1)</script>")
        _, archive = _export(db.session, person.person_id, clock.now)
        html = archive.read("summary.html").decode()
        assert "<script>" not in html and "&lt;script&gt;" in html


def test_export_streams_with_flat_memory(app: Flask, clock: Clock) -> None:
    """Twenty evidence files of 1 MB each: the ZIP holds them all, but memory never holds more than a few."""
    import os
    import tracemalloc

    from quizapp.models import EvidenceFile

    with app.app_context():
        person = build_everything(db.session, clock.now)
        for n in range(20):
            # Random bytes do not compress, so the ZIP really carries 20 MB.
            evidence = EvidenceFile(data=b"%PDF-" + os.urandom(1024 * 1024), content_type="application/pdf",
                                    sha256=f"{n:064d}", size=1024 * 1024, uploaded_at=clock.now)
            db.session.add(evidence)
            db.session.flush()
            db.session.add(ExternalTraining(user_id=person.person_id, title=f"Course {n}", provider="LA",
                                            completed_on=clock.now.date(), minutes=60, evidence_id=evidence.id,
                                            recorded_at=clock.now))
        db.session.commit()
        db.session.expire_all()
        total, chunks = 0, 0
        tracemalloc.start()
        for chunk in export_zip(db.session, person.person_id, "Test School", clock.now):
            total, chunks = total + len(chunk), chunks + 1
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert total > 20 * 1024 * 1024 and chunks > 10
        assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while streaming {total / 1e6:.1f} MB"


def test_export_runs_the_same_queries_however_many_records(app: Flask, clock: Clock, queries) -> None:
    from ..factories import certify, make_course

    with app.app_context():
        few = build_everything(db.session, clock.now, first_name="Few")
        many = build_everything(db.session, clock.now, first_name="Many")
        person = db.session.get(User, many.person_id)
        for _ in range(3):
            certify(db.session, person, make_course(db.session, questions=3, cooldown=0), clock.now)
        db.session.commit()
        counts = []
        for everything in (few, many):
            db.session.expire_all()
            with queries() as seen:
                b"".join(export_zip(db.session, everything.person_id, "Test School", clock.now))
            counts.append(len(seen))
        assert counts[0] == counts[1] and counts[0] < 25, counts
