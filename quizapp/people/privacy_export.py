"""What a subject access export holds: every record about one person, section by section, as plain rows.

Each section is one query (answers and reminders a few), read row by row so memory stays flat. USER_COLUMNS names
every column of every table that points at a person and says how the export treats it; a test checks it against
the models, so a new table about people cannot be left out silently.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, String, cast, literal, or_, select
from sqlalchemy.orm import Session, joinedload

from ..config import now as clock_now
from ..models import (
    Attempt,
    AttemptQuestion,
    AuditEvent,
    BankReviewAlert,
    Certificate,
    Course,
    ExternalTraining,
    JoinLink,
    JoinRequest,
    OidcLink,
    OutboxMessage,
    Policy,
    PolicyAcknowledgement,
    PolicyReminderLog,
    PolicyReviewAlert,
    PolicyVersion,
    QuestionBank,
    ReminderLog,
    User,
)
from .session_store import store

BATCH = 200
Row = dict[str, Any]

# "table.column" -> the export section that holds those rows, or why the column is not followed: it records the
# person acting on someone else's (or the organisation's) record, and each such action is in their audit entries.
ACTED_ON = "their action on another record: listed in the audit section"
USER_COLUMNS: dict[str, str] = {
    "user_account.id": "profile",
    "oidc_link.user_id": "identity_provider_links",
    "attempt.user_id": "attempts",
    "attempt_question.user_id": "answers",
    "certificate.user_id": "certificates",
    "policy_acknowledgement.user_id": "policy_acknowledgements",
    "external_training.user_id": "external_training",
    "reminder_log.user_id": "reminders",
    "policy_reminder_log.user_id": "reminders",
    "policy_review_alert.user_id": "reminders",
    "bank_review_alert.user_id": "reminders",
    "join_request.user_id": "join_requests",
    "audit_event.actor_id": "audit",
    "audit_event.subject_id": "audit",
    "user_session.user_id": "sessions",
    "outbox_message.user_id": "emails",
    "outbox_batch.created_by_id": ACTED_ON,
    "certificate.revoked_by_id": ACTED_ON,
    "external_training.decided_by_id": ACTED_ON,
    "external_training.recorded_by_id": ACTED_ON,
    "evidence_file.uploaded_by_id": ACTED_ON,
    "join_link.created_by_id": ACTED_ON,
    "join_request.decided_by_id": ACTED_ON,
    "policy_version.published_by_id": ACTED_ON,
    "bank_edition.imported_by_id": ACTED_ON,
    "bulk_job.created_by_id": ACTED_ON,
}


def plain(value: Any) -> Any:
    """A JSON-ready value: dates as ISO 8601, everything else as it is."""
    return value.isoformat() if isinstance(value, date | datetime) else value


def _profile(session: Session, person: User) -> Iterator[Row]:
    yield {"id": person.id, "email": person.email, "first_name": person.first_name, "last_name": person.last_name,
           "role": person.role, "school": person.school.name if person.school else None,
           "staff_group": person.staff_group.name if person.staff_group else None,
           "extra_time_pct": person.extra_time_pct, "active": person.active,
           "password_set": person.password_hash is not None, "created_at": person.created_at,
           "last_sign_in_at": person.last_sign_in_at, "deactivated_at": person.deactivated_at,
           "anonymised_at": person.anonymised_at}


def _links(session: Session, person: User) -> Iterator[Row]:
    for link in session.scalars(select(OidcLink).where(OidcLink.user_id == person.id).order_by(OidcLink.id)):
        yield {"id": link.id, "issuer": link.issuer, "subject": link.subject, "email": link.email,
               "created_at": link.created_at, "last_used_at": link.last_used_at}


def _sign_ins(session: Session, person: User) -> Iterator[Row]:
    query = (select(AuditEvent.id, AuditEvent.at, AuditEvent.action, AuditEvent.details)
             .where(AuditEvent.actor_id == person.id, AuditEvent.action.in_(("auth.sign_in", "auth.sign_out")))
             .order_by(AuditEvent.at, AuditEvent.id))
    for event_id, at, action, details in session.execute(query.execution_options(yield_per=BATCH)):
        yield {"audit_id": event_id, "at": at, "what": "signed in" if action == "auth.sign_in" else "signed out",
               "method": (details or {}).get("method", "password" if action == "auth.sign_in" else "")}


def _sessions(session: Session, person: User) -> Iterator[Row]:
    # Through the app's session store (database or Redis): the sessions still within their lifetime.
    for row in sorted(store().list(session, person.id, clock_now()), key=lambda s: s.created_at):
        # The token's hash stays out: it is a credential, not information about the person.
        yield {"id": row.id, "browser": row.user_agent, "started_at": row.created_at,
               "last_seen_at": row.last_seen_at}


def _attempts(session: Session, person: User) -> Iterator[Row]:
    query = (select(Attempt, Course.title).join(Course, Course.id == Attempt.course_id)
             .where(Attempt.user_id == person.id).order_by(Attempt.started_at, Attempt.id))
    for attempt, title in session.execute(query.execution_options(yield_per=BATCH)):
        yield {"id": attempt.id, "course": title, "state": attempt.state, "started_at": attempt.started_at,
               "deadline_at": attempt.deadline_at, "finished_at": attempt.finished_at,
               "finish_reason": attempt.finish_reason, "time_limit_seconds": attempt.time_limit_seconds,
               "extra_time_pct": attempt.extra_time_pct, "pass_mark_pct": attempt.pass_mark_pct,
               "score_pct": attempt.score_pct, "correct_count": attempt.correct_count, "passed": attempt.passed}


def _texts(options: list[dict[str, Any]], ids: list[str] | None) -> str:
    wanted = set(ids or [])
    return " | ".join(str(o["text"]) for o in options if o["id"] in wanted)


def _answers(session: Session, person: User) -> Iterator[Row]:
    query = (select(AttemptQuestion).join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
             .where(Attempt.user_id == person.id).order_by(AttemptQuestion.attempt_id, AttemptQuestion.position))
    for item in session.scalars(query.execution_options(yield_per=BATCH)):
        yield {"id": item.id, "attempt_id": item.attempt_id, "position": item.position, "question": item.prompt,
               "options": " | ".join(str(o["text"]) for o in item.options),
               "your_answer": _texts(item.options, item.answer), "answered_at": item.answered_at,
               "correct_answer": _texts(item.options, item.correct_option_ids), "correct": item.correct,
               "sure": item.sure, "explanation": item.explanation}


def certificate_file_name(number: str) -> str:
    """Where a certificate's PDF sits in the ZIP."""
    return f"certificates/{number}.pdf"


def _certificates(session: Session, person: User) -> Iterator[Row]:
    query = select(Certificate).where(Certificate.user_id == person.id).order_by(Certificate.issued_at, Certificate.id)
    for cert in session.scalars(query.execution_options(yield_per=BATCH)):
        yield {"id": cert.id, "number": cert.number, "course": cert.course_title, "edition": cert.edition,
               "holder_name": cert.holder_name, "score_pct": cert.score_pct, "issued_at": cert.issued_at,
               "valid_until": cert.valid_until, "revoked_at": cert.revoked_at, "revoked_reason": cert.revoked_reason,
               "superseded_at": cert.superseded_at, "file": certificate_file_name(cert.number)}


def _acknowledgements(session: Session, person: User) -> Iterator[Row]:
    query = (select(PolicyAcknowledgement, PolicyVersion.label, Policy.title)
             .join(PolicyVersion, PolicyVersion.id == PolicyAcknowledgement.version_id)
             .join(Policy, Policy.id == PolicyVersion.policy_id)
             .where(PolicyAcknowledgement.user_id == person.id).order_by(PolicyAcknowledgement.at))
    for ack, label, title in session.execute(query.execution_options(yield_per=BATCH)):
        yield {"id": ack.id, "policy": title, "version": label, "acknowledged_at": ack.at,
               "document_sha256": ack.sha256}


def evidence_file_name(evidence_id: int, extension: str) -> str:
    """Where an evidence file sits in the ZIP (our name, never the uploaded one)."""
    return f"evidence/evidence-{evidence_id}.{extension}"


def _external(session: Session, person: User) -> Iterator[Row]:
    query = (select(ExternalTraining).where(ExternalTraining.user_id == person.id)
             .options(joinedload(ExternalTraining.evidence), joinedload(ExternalTraining.course))
             .order_by(ExternalTraining.completed_on, ExternalTraining.id))
    for row in session.scalars(query.execution_options(yield_per=BATCH)):
        evidence = row.evidence
        yield {"id": row.id, "title": row.title, "provider": row.provider, "completed_on": row.completed_on,
               "minutes": row.minutes, "expires_on": row.expires_on, "course": row.course.title if row.course else None,
               "valid_until": row.valid_until, "state": row.state, "rejection_reason": row.rejection_reason,
               "recorded_at": row.recorded_at, "decided_at": row.decided_at,
               "evidence_name": evidence.original_name if evidence else None,
               "evidence_file": evidence_file_name(evidence.id, evidence.extension) if evidence else None}


def _reminders(session: Session, person: User) -> Iterator[Row]:
    course = (select(ReminderLog.id, ReminderLog.kind, Course.title, ReminderLog.status, ReminderLog.sent_at)
              .outerjoin(Course, Course.id == ReminderLog.course_id).where(ReminderLog.user_id == person.id))
    policy = (select(PolicyReminderLog.id, Policy.title, PolicyReminderLog.status, PolicyReminderLog.sent_at)
              .join(Policy, Policy.id == PolicyReminderLog.policy_id).where(PolicyReminderLog.user_id == person.id))
    review = (select(PolicyReviewAlert.id, PolicyReviewAlert.kind, Policy.title, PolicyReviewAlert.status,
                     PolicyReviewAlert.sent_at).join(Policy, Policy.id == PolicyReviewAlert.policy_id)
              .where(PolicyReviewAlert.user_id == person.id))
    bank = (select(BankReviewAlert.id, BankReviewAlert.kind, QuestionBank.title, BankReviewAlert.status,
                   BankReviewAlert.sent_at).join(QuestionBank, QuestionBank.id == BankReviewAlert.bank_id)
            .where(BankReviewAlert.user_id == person.id))
    for row_id, kind, about, status, sent_at in session.execute(course):
        yield {"record": "reminder_log", "id": row_id, "kind": kind, "about": about, "status": status,
               "sent_at": sent_at}
    for row_id, about, status, sent_at in session.execute(policy):
        yield {"record": "policy_reminder_log", "id": row_id, "kind": "policy reminder", "about": about,
               "status": status, "sent_at": sent_at}
    for record, query in (("policy_review_alert", review), ("bank_review_alert", bank)):
        for row_id, kind, about, status, sent_at in session.execute(query):
            yield {"record": record, "id": row_id, "kind": kind, "about": about, "status": status,
                   "sent_at": sent_at}


def _emails(session: Session, person: User) -> Iterator[Row]:
    query = (select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.recipient, OutboxMessage.subject,
                    OutboxMessage.state, OutboxMessage.created_at, OutboxMessage.sent_at, OutboxMessage.last_error)
             .where(OutboxMessage.user_id == person.id).order_by(OutboxMessage.created_at, OutboxMessage.id))
    # Bodies stay out: a waiting one may hold a live sign-in link, and a sent one keeps none.
    for row_id, kind, recipient, subject, state, created, sent, error in session.execute(query):
        yield {"id": row_id, "kind": kind, "to": recipient, "subject": subject, "state": state,
               "queued_at": created, "sent_at": sent, "problem": error}


def _join_requests(session: Session, person: User) -> Iterator[Row]:
    # Requests made before the account existed (or turned down) carry only the e-mail, so match on it too.
    query = (select(JoinRequest, JoinLink.label).join(JoinLink, JoinLink.id == JoinRequest.link_id)
             .where(or_(JoinRequest.user_id == person.id, JoinRequest.email == person.email))
             .order_by(JoinRequest.created_at, JoinRequest.id))
    for request, label in session.execute(query):
        yield {"id": request.id, "join_link": label, "email": request.email, "first_name": request.first_name,
               "last_name": request.last_name, "password_set": request.password_hash is not None,
               "state": request.state, "created_at": request.created_at, "decided_at": request.decided_at,
               "reason": request.reason}


def about_person(person_id: int) -> ColumnElement[bool]:
    """SQL: the audit entry's target is the person or one of their records (certificate, training, join request)."""
    targets = [
        select(literal("certificate:") + Certificate.number).where(Certificate.user_id == person_id),
        select(literal("external:") + cast(ExternalTraining.id, String)).where(ExternalTraining.user_id == person_id),
        select(literal("join_request:") + cast(JoinRequest.id, String)).where(JoinRequest.user_id == person_id),
    ]
    return or_(AuditEvent.subject_id == person_id, AuditEvent.target == f"user:{person_id}",
               *(AuditEvent.target.in_(t) for t in targets))


def _audit(session: Session, person: User) -> Iterator[Row]:
    query = (select(AuditEvent.id, AuditEvent.at, AuditEvent.actor_id, User.first_name, User.last_name,
                    AuditEvent.action, AuditEvent.target, AuditEvent.details)
             .outerjoin(User, User.id == AuditEvent.actor_id)
             .where(or_(AuditEvent.actor_id == person.id, about_person(person.id)))
             .order_by(AuditEvent.at, AuditEvent.id))
    for event_id, at, actor_id, first, last, action, target, details in session.execute(
            query.execution_options(yield_per=BATCH)):
        who = "you" if actor_id == person.id else (f"{first} {last}" if actor_id else "the system")
        yield {"id": event_id, "at": at, "by": who, "action": action, "target": target, "details": details}


@dataclass(frozen=True)
class Section:
    """One part of the export: its key in the JSON, its heading in the summary and the rows."""

    key: str
    title: str
    rows: Callable[[Session, User], Iterator[Row]]


SECTIONS = (
    Section("profile", "Profile", _profile),
    Section("identity_provider_links", "Sign-in accounts linked (Microsoft, Google and others)", _links),
    Section("sign_ins", "Sign-ins and sign-outs", _sign_ins),
    Section("sessions", "Browsers signed in now", _sessions),
    Section("attempts", "Quiz attempts and results", _attempts),
    Section("answers", "Answers given in each attempt", _answers),
    Section("certificates", "Certificates (the PDFs are in the certificates folder)", _certificates),
    Section("policy_acknowledgements", "Policies read and acknowledged", _acknowledgements),
    Section("external_training", "Training done elsewhere (evidence files are in the evidence folder)", _external),
    Section("reminders", "Reminders and alerts e-mailed", _reminders),
    Section("emails", "E-mails sent or waiting to be sent to this person", _emails),
    Section("join_requests", "Requests to join", _join_requests),
    Section("audit", "Audit trail entries by or about this person", _audit),
)
