"""Issuing, revoking and reissuing certificates (database operations; drawing lives in pdf.py)."""
from __future__ import annotations

import calendar
import hashlib
import secrets
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..config import base_url
from ..models import Attempt, Certificate, CertificateFile, OrgSettings, User
from .pdf import CertificateData, render_certificate


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def new_code() -> str:
    """A random, URL-safe verification code (192 bits)."""
    return secrets.token_urlsafe(24)


def verify_url(base_url: str, code: str) -> str:
    """The public address that checks a certificate."""
    return f"{base_url.rstrip('/')}/verify/{code}"


def _data(cert: Certificate, settings: OrgSettings, base_url: str) -> CertificateData:
    return CertificateData(org_name=settings.org_name, full_name=cert.holder_name, course_title=cert.course_title,
                           edition=cert.edition, score_pct=cert.score_pct, completed_on=cert.issued_at.date(),
                           valid_until=cert.valid_until, number=cert.number, code=cert.code,
                           verify_url=verify_url(base_url, cert.code), signatory_name=settings.signatory_name,
                           signatory_role=settings.signatory_role, logo=settings.logo)


def _editions(attempt: Attempt) -> str:
    return ", ".join(dict.fromkeys(link.bank.edition for link in attempt.course.banks)) or "–"


def _create(session: Session, attempt: Attempt, holder: User, issued_at: datetime, base_url: str) -> Certificate:
    settings = OrgSettings.current(session)
    code = new_code()
    cert = Certificate(number=f"pending-{code[:30]}", code=code, attempt_id=attempt.id, user_id=holder.id,
                       course_id=attempt.course_id, issued_at=issued_at,
                       valid_until=add_months(issued_at.date(), attempt.course.validity_months),
                       holder_name=holder.full_name, course_title=attempt.course.title, edition=_editions(attempt),
                       score_pct=attempt.score_pct or 0, pdf_sha256="")
    session.add(cert)
    session.flush()  # the id makes the number unique without a separate counter
    cert.number = f"{settings.certificate_prefix}-{issued_at.year}-{cert.id:06d}"
    pdf = render_certificate(_data(cert, settings, base_url))
    cert.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    session.add(CertificateFile(certificate_id=cert.id, pdf=pdf))
    session.flush()
    return cert


def issue_for(session: Session, attempt: Attempt, now: datetime, base_url: str) -> Certificate:
    """Issue the one certificate for a passing attempt (the unique attempt_id makes a second one impossible)."""
    existing = session.scalar(select(Certificate).where(Certificate.attempt_id == attempt.id,
                                                        Certificate.reissue_of_id.is_(None)))
    if existing is not None:
        return existing
    cert = _create(session, attempt, attempt.user, now, base_url)
    record(session, attempt.user, "certificate.issue", f"certificate:{cert.number}", attempt=attempt.id)
    return cert


def pdf_bytes(session: Session, cert: Certificate) -> bytes:
    """The stored PDF, byte-identical to the one issued."""
    stored = session.get(CertificateFile, cert.id)
    if stored is None:
        raise LookupError(f"certificate {cert.number} has no stored PDF")
    return stored.pdf


def on_pass(session: Session, attempt: Attempt, when: datetime) -> None:
    """Issue the certificate for a passing attempt in the same transaction as the result."""
    issue_for(session, attempt, when, base_url())
