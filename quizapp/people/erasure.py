"""Anonymising a person: the one operation behind both the retention run and "Erase now".

What goes: name, e-mail, sign-in (password, identity-provider links, every session through a new nonce),
free text they or others typed about them, the certificate PDFs (they print the name), evidence files, their
name on the bulk jobs they asked for and the files of the evidence packs they built (a finished import drops its
rows itself).
What stays, attached to an account with no name: attempt scores and the graded answer bits that item analysis
counts, certificate numbers (so a certificate can still be checked, without the name), dates and hours of
training done elsewhere, and the log of reminders sent (times only). Policy acknowledgements are deleted: each is
a named person's declaration, nothing counts them once the person has left, and an anonymous one proves nothing.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, case, cast, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from ..audit import record
from ..jobs.bulk import HOLDS_FILE, withdraw_files
from ..models import (
    Attempt,
    AttemptQuestion,
    AuditEvent,
    BulkJob,
    Certificate,
    CertificateFile,
    EvidenceFile,
    ExternalState,
    ExternalTraining,
    JoinRequest,
    OidcLink,
    OutboxMessage,
    PolicyAcknowledgement,
    User,
)
from .oidc_settings import is_last_way_in
from .privacy_export import about_person
from .session_store import store
from .users import LAST_ADMIN

FORMER_FIRST = "Former member"
FORMER_LAST = "of staff"
FORMER_NAME = f"{FORMER_FIRST} {FORMER_LAST}"
REMOVED = "(removed)"


@dataclass
class Anonymised:
    """How many of each kind of record one anonymisation changed or deleted."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, number: int) -> None:
        """Count `number` more records of this kind."""
        self.counts[kind] = self.counts.get(kind, 0) + number


def placeholder_email(user_id: int) -> str:
    """An address that is unique, lower-case and can never receive mail (.invalid is reserved, RFC 2606)."""
    return f"former-{user_id}@erased.invalid"


def _rows(session: Session, statement: object) -> int:
    return int(getattr(session.execute(statement), "rowcount", 0) or 0)  # type: ignore[call-overload]


def _scrub_profile(session: Session, person: User, now: datetime) -> tuple[str, str]:
    name, email = person.full_name, person.email
    person.first_name, person.last_name = FORMER_FIRST, FORMER_LAST
    person.email = placeholder_email(person.id)
    person.password_hash, person.last_sign_in_at = None, None
    person.auth_nonce = secrets.token_hex(8)  # every signed-in session and every link issued so far stops working
    person.extra_time_pct = 0  # an access arrangement can reveal health information
    person.active = False
    person.deactivated_at = person.deactivated_at or now
    person.anonymised_at = now
    session.flush()
    return name, email


def _scrub_attempts(session: Session, person: User, result: Anonymised) -> None:
    # The chosen options as tokens and when each was chosen go; the graded bits (correct, chosen_mask, sure,
    # score) that item analysis sums stay, so its counts and facility do not change.
    attempts = select(Attempt.id).where(Attempt.user_id == person.id).scalar_subquery()
    result.add("answers cleared", _rows(session, update(AttemptQuestion)
                                         .where(AttemptQuestion.attempt_id.in_(attempts))
                                         .values(answer=None, answered_at=None)
                                         .execution_options(synchronize_session=False)))


def _scrub_certificates(session: Session, person: User, result: Anonymised) -> None:
    mine = select(Certificate.id).where(Certificate.user_id == person.id).scalar_subquery()
    result.add("certificate PDFs deleted", _rows(session, delete(CertificateFile)
                                                 .where(CertificateFile.certificate_id.in_(mine))))
    result.add("certificates kept without the name", _rows(session, update(Certificate)
               .where(Certificate.user_id == person.id)
               .values(holder_name=FORMER_NAME).execution_options(synchronize_session=False)))
    session.execute(update(Certificate).where(Certificate.user_id == person.id, Certificate.revoked_reason.is_not(None))
                    .values(revoked_reason=REMOVED).execution_options(synchronize_session=False))


def _scrub_external(session: Session, person: User, result: Anonymised) -> None:
    evidence_ids = set(session.scalars(select(ExternalTraining.evidence_id).where(
        ExternalTraining.user_id == person.id, ExternalTraining.evidence_id.is_not(None))))
    # A rejected record must keep some reason (a CHECK says so): the placeholder stands in for the words.
    reason = case((ExternalTraining.state == ExternalState.REJECTED.value, REMOVED), else_=None)
    result.add("training records kept without their text", _rows(session, update(ExternalTraining)
               .where(ExternalTraining.user_id == person.id)
               .values(title=REMOVED, provider=REMOVED, evidence_id=None, rejection_reason=reason)
               .execution_options(synchronize_session=False)))
    if evidence_ids:
        # A group session shares one file among everyone who attended: it goes only when nobody else uses it.
        used = exists().where(ExternalTraining.evidence_id == EvidenceFile.id)
        result.add("evidence files deleted", _rows(session, delete(EvidenceFile)
                                                   .where(EvidenceFile.id.in_(evidence_ids), ~used)
                                                   .execution_options(synchronize_session=False)))


def _scrub_join_requests(session: Session, person: User, email: str, result: Anonymised) -> None:
    # Requests turned down (or made before the account existed) carry only the e-mail: they go too.
    mine = or_(JoinRequest.user_id == person.id, JoinRequest.email == email)
    for request in session.scalars(select(JoinRequest).where(mine)):
        request.email = f"former-request-{request.id}@erased.invalid"
        request.first_name, request.last_name = FORMER_FIRST, FORMER_LAST
        request.password_hash, request.reason = None, ""
        result.add("join requests", 1)


PACK_WITHDRAWN = "This file was removed when the records of the person who built it were erased."


def _scrub_jobs(session: Session, person: User, result: Anonymised) -> None:
    # An evidence pack's job keeps who asked for it by name, for its page; its file prints the name too, and
    # other DSLs and admins could still download it, so it is withdrawn now rather than at its day's end.
    for job in session.scalars(select(BulkJob).where(BulkJob.created_by_id == person.id)):
        if "made_by" in job.params:
            job.params = {**job.params, "made_by": FORMER_NAME}
            result.add("bulk jobs kept without the name", 1)
    result.add("evidence pack files withdrawn", withdraw_files(session, BulkJob.created_by_id == person.id,
                                                                   PACK_WITHDRAWN))


def _scrub_audit(session: Session, person: User, name: str, email: str, result: Anonymised) -> None:
    # Audit entries keep who did what and when; the details (which may repeat a name, e-mail or reason) go
    # wherever they are about this person or quote their name or address.
    text = cast(AuditEvent.details, String)
    # JSON may store a name with its non-ASCII letters escaped (SQLite does), so look for both spellings.
    spellings = {email, name, json.dumps(name)[1:-1], json.dumps(email)[1:-1]}
    about = or_(about_person(person.id), *(text.contains(s, autoescape=True) for s in spellings))
    result.add("audit entries with details removed", _rows(session, update(AuditEvent).where(about)
               .values(details={"removed": "erased with the person's records"})
               .execution_options(synchronize_session=False)))


def anonymise(session: Session, person: User, now: datetime) -> Anonymised:
    """Remove everything that identifies `person`, keeping the counts reports need (flush only; not undoable)."""
    result = Anonymised()
    name, email = _scrub_profile(session, person, now)
    result.add("identity-provider links removed", _rows(session, delete(OidcLink).where(OidcLink.user_id == person.id)))
    result.add("sign-in sessions ended", store().delete_all(session, person.id))
    # Queued or sent e-mails carry the name and address: none may still go out to, or about, an erased person.
    result.add("e-mails in the outbox deleted", _rows(session, delete(OutboxMessage)
                                                     .where(OutboxMessage.user_id == person.id)))
    result.add("policy acknowledgements deleted", _rows(session, delete(PolicyAcknowledgement)
                                                        .where(PolicyAcknowledgement.user_id == person.id)))
    _scrub_attempts(session, person, result)
    _scrub_certificates(session, person, result)
    _scrub_external(session, person, result)
    _scrub_join_requests(session, person, email, result)
    _scrub_jobs(session, person, result)
    _scrub_audit(session, person, name, email, result)
    session.flush()
    session.expire_all()
    return result


REASON_MAX = 1000


class EraseRefused(Exception):
    """The person cannot be erased now; the message says why, for the form."""


def erase_refusal(session: Session, person: User, actor: User) -> str | None:
    """Why `actor` may not erase `person` now, or None if they may."""
    if person.id == actor.id:
        return "You cannot erase your own account. Ask another administrator."
    if person.anonymised_at is not None:
        return "This person’s records have already been erased."
    if person.active and is_last_way_in(session, person):
        return LAST_ADMIN
    return None


def erase_now(session: Session, person: User, actor: User, reason: str, now: datetime) -> Anonymised:
    """Anonymise `person` at once for a stated reason; audited without the erased data (flush only)."""
    reason = reason.strip()
    if not reason:
        raise EraseRefused("Enter the reason for erasing this person’s records.")
    if len(reason) > REASON_MAX:
        raise EraseRefused(f"The reason must be at most {REASON_MAX} characters.")
    refusal = erase_refusal(session, person, actor)
    if refusal is not None:
        raise EraseRefused(refusal)
    result = anonymise(session, person, now)
    record(session, actor, "user.erase", f"user:{person.id}", subject=person.id, reason=reason,
           counts=result.counts)
    return result


def _count(session: Session, statement: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)


def erase_preview(session: Session, person: User) -> list[tuple[str, int]]:
    """What erasing `person` would remove or strip, as (description, number) for the confirmation page."""
    attempts = select(Attempt.id).where(Attempt.user_id == person.id)
    return [
        ("answers whose chosen options are removed (scores are kept)",
         _count(session, select(AttemptQuestion.id).where(AttemptQuestion.attempt_id.in_(attempts)))),
        ("certificate PDFs deleted (numbers stay, without the name)",
         _count(session, select(CertificateFile.certificate_id).join(Certificate).where(
             Certificate.user_id == person.id))),
        ("policy acknowledgements deleted",
         _count(session, select(PolicyAcknowledgement.id).where(PolicyAcknowledgement.user_id == person.id))),
        ("records of training done elsewhere stripped of their text",
         _count(session, select(ExternalTraining.id).where(ExternalTraining.user_id == person.id))),
        ("evidence files deleted", _count(session, select(ExternalTraining.evidence_id).where(
            ExternalTraining.user_id == person.id, ExternalTraining.evidence_id.is_not(None)).distinct())),
        ("evidence pack files withdrawn (they print the name)", _count(session, select(BulkJob.id).where(
            BulkJob.created_by_id == person.id, HOLDS_FILE))),
        ("sign-in accounts unlinked", _count(session, select(OidcLink.id).where(OidcLink.user_id == person.id))),
        ("requests to join stripped of name and e-mail",
         _count(session, select(JoinRequest.id).where(or_(JoinRequest.user_id == person.id,
                                                           JoinRequest.email == person.email)))),
    ]
