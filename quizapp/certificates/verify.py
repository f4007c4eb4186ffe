"""Public verification: look a certificate up by its code or by the SHA-256 of its PDF, and say what it is."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Certificate
from .status import certificate_status

# new_code() gives 32 URL-safe characters; accept a little either side so older or longer codes still work.
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
PDF_MAGIC = b"%PDF-"
MAX_PDF_BYTES = 2 * 1024 * 1024
# A value no real code can equal (codes never contain "!"), so a malformed code still costs one lookup.
_NEVER_A_CODE = "!" * 32


@dataclass(frozen=True)
class Verdict:
    """What the public may learn about a certificate: nothing more personal than name and course.

    Once the holder is anonymised the name is gone: `former_staff` says so, and `verifiable` is False when the
    school chose not to keep such certificates verifiable (then nothing but the number is shown).
    """

    number: str
    holder_name: str
    course_title: str
    issued_on: date
    valid_until: date
    status: str
    revoked_on: date | None
    superseded_on: date | None
    former_staff: bool = False
    verifiable: bool = True


def clean_code(raw: str) -> str:
    """The code as typed or pasted: spaces dropped, and a pasted verify address reduced to its code."""
    text = "".join(raw.split())
    if "/verify/" in text:
        text = text.rsplit("/verify/", 1)[1].split("?", 1)[0].split("#", 1)[0].strip("/")
    return text


def is_well_formed(code: str) -> bool:
    """Whether the code could be one we issue (only URL-safe characters, a plausible length)."""
    return CODE_PATTERN.fullmatch(code) is not None


def find_by_code(session: Session, raw: str) -> Certificate | None:
    """The certificate with this code; malformed codes run the same single lookup so timing gives nothing away."""
    code = clean_code(raw)
    wanted = code if is_well_formed(code) else _NEVER_A_CODE
    return session.scalar(select(Certificate).where(Certificate.code == wanted))


def pdf_digest(data: bytes) -> str:
    """The SHA-256 of the PDF bytes, as stored in Certificate.pdf_sha256."""
    return hashlib.sha256(data).hexdigest()


def looks_like_pdf(data: bytes) -> bool:
    """Whether the bytes start with the PDF signature."""
    return data.startswith(PDF_MAGIC)


def find_by_pdf(session: Session, data: bytes) -> Certificate | None:
    """The certificate whose issued PDF is exactly these bytes, if any."""
    return session.scalar(select(Certificate).where(Certificate.pdf_sha256 == pdf_digest(data))
                          .order_by(Certificate.id.desc()).limit(1))


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else moment.date()


def verdict(cert: Certificate, today: date, keep_verifiable: bool = True) -> Verdict:
    """The public facts about a certificate and its status today (no name once the holder is anonymised)."""
    former = cert.user.anonymised_at is not None
    return Verdict(number=cert.number, holder_name="" if former else cert.holder_name,
                   course_title=cert.course_title, issued_on=cert.issued_at.date(), valid_until=cert.valid_until,
                   status=certificate_status(cert, today), revoked_on=_day(cert.revoked_at),
                   superseded_on=_day(cert.superseded_at), former_staff=former,
                   verifiable=keep_verifiable or not former)
