"""Retention: exactly the people deactivated longer ago than the setting are anonymised, and what stays."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from quizapp.banks.analysis import Scope, item_analysis
from quizapp.extensions import db
from quizapp.models import (
    AttemptQuestion,
    AuditEvent,
    Certificate,
    CertificateFile,
    EvidenceFile,
    ExternalTraining,
    JoinRequest,
    OidcLink,
    OrgSettings,
    PolicyAcknowledgement,
    User,
    UserSession,
)
from quizapp.people.erasure import FORMER_NAME
from quizapp.people.retention import apply_retention, years_before

from ..clock import Clock
from ..privacy_people import Everything, build_everything


def _leave(person_id: int, when) -> None:
    person = db.session.get(User, person_id)
    person.active, person.deactivated_at = False, when


def _people(clock: Clock) -> dict[str, Everything]:
    """Four people: left 7 years ago, left 5 years ago, left 6 years and a day ago, still here."""
    cast = {key: build_everything(db.session, clock.now, first_name=key.capitalize(), last_name="Leaver")
            for key in ("long_gone", "recent", "just_past", "staying")}
    _leave(cast["long_gone"].person_id, clock.now - timedelta(days=7 * 365))
    _leave(cast["recent"].person_id, clock.now - timedelta(days=5 * 365))
    _leave(cast["just_past"].person_id, years_before(clock.now, 6) - timedelta(days=1))
    db.session.commit()
    return cast


def _figures(scope: Scope) -> list[tuple]:
    return [(i.question_id, i.attempts, i.right, [o.chosen for o in i.options])
            for i in item_analysis(db.session, scope)]


def _snapshot(person_id: int) -> tuple:
    person = db.session.get(User, person_id)
    return (person.full_name, person.email, person.password_hash, person.anonymised_at,
            db.session.scalar(select(func.count()).select_from(PolicyAcknowledgement)
                              .where(PolicyAcknowledgement.user_id == person_id)))


def test_dry_run_lists_who_would_go_and_changes_nothing(app: Flask, clock: Clock) -> None:
    with app.app_context():
        cast = _people(clock)
        before = {key: _snapshot(e.person_id) for key, e in cast.items()}
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        run = apply_retention(db.session, clock.now, dry_run=True)
        db.session.rollback()
        assert {pid for pid, _, _ in run.people} == {cast["long_gone"].person_id, cast["just_past"].person_id}
        assert {key: _snapshot(e.person_id) for key, e in cast.items()} == before
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_retention_anonymises_exactly_those_past_the_setting(app: Flask, clock: Clock) -> None:
    with app.app_context():
        cast = _people(clock)
        kept = {key: _snapshot(cast[key].person_id) for key in ("recent", "staying")}
        scope = Scope(course_id=cast["long_gone"].course_id)
        analysis_before = _figures(scope)
        run = apply_retention(db.session, clock.now)
        db.session.commit()
        assert len(run.people) == 2 and run.counts["certificate PDFs deleted"] == 2
        for key in ("long_gone", "just_past"):
            _assert_anonymised(cast[key], key.capitalize())
        assert {key: _snapshot(cast[key].person_id) for key in ("recent", "staying")} == kept
        # Item analysis counts the same answers as before.
        assert _figures(scope) == analysis_before
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention.apply"))
        assert event.actor_id is None and event.details["people"] == 2 and event.details["retention_years"] == 6
        # Run again: nobody left to anonymise, and the run is still recorded.
        assert apply_retention(db.session, clock.now).people == []


def _assert_anonymised(everything: Everything, first_name: str) -> None:
    person_id = everything.person_id
    person = db.session.get(User, person_id)
    assert person.full_name == FORMER_NAME and first_name not in person.email and person.email.endswith(".invalid")
    assert person.password_hash is None and person.anonymised_at is not None and person.extra_time_pct == 0
    assert db.session.scalar(select(func.count()).select_from(OidcLink).where(OidcLink.user_id == person_id)) == 0
    assert db.session.scalar(select(func.count()).select_from(UserSession)
                             .where(UserSession.user_id == person_id)) == 0
    assert db.session.scalar(select(func.count()).select_from(PolicyAcknowledgement)
                             .where(PolicyAcknowledgement.user_id == person_id)) == 0
    cert = db.session.get(Certificate, everything.certificate_id)
    assert cert.holder_name == FORMER_NAME and cert.number.startswith("QZ-")
    assert db.session.get(CertificateFile, cert.id) is None
    for evidence_id in everything.evidence_ids:
        assert db.session.get(EvidenceFile, evidence_id) is None
    rows = db.session.scalars(select(ExternalTraining).where(ExternalTraining.user_id == person_id)).all()
    assert len(rows) == 2 and all(r.title == "(removed)" and r.evidence_id is None for r in rows)
    assert {r.rejection_reason for r in rows} == {None, "(removed)"}
    answers = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.user_id == person_id)).all()
    assert answers and all(a.answer is None and a.chosen_mask is not None for a in answers)
    request = db.session.scalar(select(JoinRequest).where(JoinRequest.user_id == person_id))
    assert first_name not in request.first_name and request.password_hash is None and request.reason == ""
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.target == f"user:{person_id}")):
        assert first_name not in str(event.details)


def test_retention_follows_the_setting(app: Flask, clock: Clock) -> None:
    with app.app_context():
        cast = _people(clock)
        OrgSettings.current(db.session).retention_years = 4
        run = apply_retention(db.session, clock.now, dry_run=True)
        assert {pid for pid, _, _ in run.people} == {cast[k].person_id for k in ("long_gone", "recent", "just_past")}


def test_retention_command(app: Flask, clock: Clock) -> None:
    with app.app_context():
        cast = _people(clock)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "apply", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Long_gone Leaver" in dry.output and "Recent" not in dry.output and "would be anonymised" in dry.output
    with app.app_context():
        assert db.session.get(User, cast["long_gone"].person_id).anonymised_at is None
    done = runner.invoke(args=["retention", "apply"])
    assert done.exit_code == 0 and "2 people" in done.output and "anonymised." in done.output
    with app.app_context():
        assert db.session.get(User, cast["long_gone"].person_id).anonymised_at is not None
        assert db.session.get(User, cast["recent"].person_id).anonymised_at is None
