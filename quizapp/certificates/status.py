"""What a certificate's status is on a given day."""
from __future__ import annotations

from datetime import date

from ..models import Certificate

LABELS = {"valid": "Valid", "expired": "Expired", "revoked": "Revoked", "superseded": "Superseded"}
TAGS = {"valid": "ok", "expired": "bad", "revoked": "bad", "superseded": "none"}


def certificate_status(cert: Certificate, today: date) -> str:
    """valid, expired, revoked or superseded (revocation and reissue outrank expiry)."""
    if cert.revoked_at is not None:
        return "revoked"
    if cert.superseded_at is not None:
        return "superseded"
    return "expired" if cert.valid_until < today else "valid"
