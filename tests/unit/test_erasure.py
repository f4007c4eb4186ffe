"""Anonymisation reaches every copy of the name: audit details in any spelling, join requests by e-mail only, jobs."""
from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import select

from quizapp.audit import record
from quizapp.extensions import db
from quizapp.models import AuditEvent, BulkJob, JobKind, JoinLink, JoinRequest, User
from quizapp.people.erasure import FORMER_NAME, anonymise

from ..clock import Clock
from ..privacy_people import build_everything


def test_non_ascii_names_and_e_mail_only_join_requests_are_removed(app: Flask, clock: Clock) -> None:
    with app.app_context():
        everything = build_everything(db.session, clock.now, first_name="Gwenllïan", last_name="Ŵyn")
        person = db.session.get(User, everything.person_id)
        admin = db.session.get(User, everything.admin_id)
        record(db.session, admin, "certificate.revoke", "certificate:OTHER", holder=person.full_name)
        link = db.session.scalar(select(JoinLink))
        db.session.add(JoinRequest(link_id=link.id, email=person.email, first_name="Gwenllïan", last_name="Ŵyn",
                                   state="rejected", created_at=clock.now, decided_at=clock.now,
                                   reason="Gwenllïan already has an account"))
        untouched = record(db.session, admin, "bank.import", "bank:1", title="Unrelated")
        db.session.commit()
        anonymise(db.session, person, clock.now)
        db.session.commit()
        trail = " ".join(json.dumps(e.details, ensure_ascii=False) for e in db.session.scalars(select(AuditEvent)))
        assert "Gwenllïan" not in trail and "Ŵyn" not in trail
        assert db.session.get(AuditEvent, untouched.id).details == {"title": "Unrelated"}
        for request in db.session.scalars(select(JoinRequest)):
            assert "Gwenllïan" not in request.first_name + request.reason and request.email.endswith(".invalid")


def test_a_job_the_person_asked_for_keeps_no_name(app: Flask, clock: Clock) -> None:
    with app.app_context():
        everything = build_everything(db.session, clock.now, first_name="Ffion", last_name="Pritchard")
        person = db.session.get(User, everything.person_id)
        admin = db.session.get(User, everything.admin_id)
        theirs = BulkJob(kind=JobKind.EVIDENCE_PACK.value, created_by_id=person.id, created_at=clock.now,
                         params={"scope": "Whole school", "made_by": person.full_name, "day": "2026-12-01"})
        others = BulkJob(kind=JobKind.EVIDENCE_PACK.value, created_by_id=admin.id, created_at=clock.now,
                         params={"scope": "Whole school", "made_by": admin.full_name, "day": "2026-12-01"})
        db.session.add_all([theirs, others])
        db.session.commit()
        result = anonymise(db.session, person, clock.now)
        db.session.commit()
        assert db.session.get(BulkJob, theirs.id).params == {"scope": "Whole school", "made_by": FORMER_NAME,
                                                              "day": "2026-12-01"}
        assert db.session.get(BulkJob, others.id).params["made_by"] == admin.full_name
        assert result.counts["bulk jobs kept without the name"] == 1
