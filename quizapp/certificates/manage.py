"""Revoking and reissuing certificates: database operations that only flush, each one audited."""
from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from ..audit import record
from ..models import Certificate, CertificateFile, OrgSettings, User
from .issue import _data, new_code
from .pdf import render_certificate

REASON_MAX = 1000


class Refused(Exception):
    """The action cannot be done; the message says why in plain words."""


def _claim(session: Session, cert: Certificate, **values: object) -> bool:
    # A conditional update lets exactly one of two simultaneous requests win, as attempts do.
    claimed = cast(CursorResult[Any], session.execute(update(Certificate)
                              .where(Certificate.id == cert.id, Certificate.revoked_at.is_(None),
                                     *([Certificate.superseded_at.is_(None)] if "superseded_at" in values else []))
                              .values(**values).execution_options(synchronize_session=False))).rowcount
    session.refresh(cert)
    return bool(claimed == 1)


def revoke(session: Session, cert: Certificate, actor: User, reason: str, now: datetime) -> None:
    """Withdraw a certificate for good, with the reason and who did it."""
    reason = reason.strip()
    if not reason:
        raise Refused("Enter the reason for revoking this certificate.")
    if len(reason) > REASON_MAX:
        raise Refused(f"The reason must be at most {REASON_MAX} characters.")
    if not _claim(session, cert, revoked_at=now, revoked_reason=reason, revoked_by_id=actor.id):
        raise Refused("This certificate has already been revoked.")
    record(session, actor, "certificate.revoke", f"certificate:{cert.number}", reason=reason,
           holder=cert.holder_name)


def reissue_refusal(cert: Certificate) -> str | None:
    """Why this certificate cannot be reissued, or None if it can."""
    if cert.user.anonymised_at is not None:
        return "The holder’s records have been erased, so this certificate cannot be reissued."
    if cert.revoked_at is not None:
        return "A revoked certificate cannot be reissued."
    if cert.superseded_at is not None:
        return "This certificate has already been replaced by a reissue. Reissue the newer certificate instead."
    return None


def _copy(cert: Certificate, now: datetime, holder_name: str) -> Certificate:
    code = new_code()
    return Certificate(number=f"pending-{code[:30]}", code=code, attempt_id=cert.attempt_id, reissue_of_id=cert.id,
                       user_id=cert.user_id, course_id=cert.course_id, issued_at=now, valid_until=cert.valid_until,
                       holder_name=holder_name, course_title=cert.course_title, edition=cert.edition,
                       score_pct=cert.score_pct, pdf_sha256="")


def reissue(session: Session, cert: Certificate, actor: User, now: datetime, base_url: str,
            holder_name: str | None = None) -> Certificate:
    """Replace a certificate with a new one (new number and code, same validity), rendered with today's settings."""
    refusal = reissue_refusal(cert)
    if refusal is not None or not _claim(session, cert, superseded_at=now):
        raise Refused(refusal or reissue_refusal(cert) or "This certificate cannot be reissued now.")
    settings = OrgSettings.current(session)
    new = _copy(cert, now, holder_name or cert.holder_name)
    session.add(new)
    session.flush()  # the id makes the number unique, as at issue
    new.number = f"{settings.certificate_prefix}-{now.year}-{new.id:06d}"
    # The reissue still says when the course was completed, not when it was reprinted.
    completed = (cert.attempt.finished_at or cert.issued_at).date()
    pdf = render_certificate(replace(_data(new, settings, base_url), completed_on=completed))
    new.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    session.add(CertificateFile(certificate_id=new.id, pdf=pdf))
    cert.superseded_by_id = new.id
    session.flush()
    record(session, actor, "certificate.reissue", f"certificate:{cert.number}", new=new.number,
           holder=new.holder_name, renamed=new.holder_name != cert.holder_name)
    return new
