"""Checking an uploaded logo before it is saved: a real PNG or JPEG, small, and drawable on a certificate."""
from __future__ import annotations

import io
from datetime import date

from PIL import Image, UnidentifiedImageError

from .pdf import CertificateData, render_certificate

MAX_LOGO_BYTES = 1024 * 1024
MAX_SIDE = 4000  # pixels; a small file can still decode to a huge image, so the size is checked before decoding
MIME_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
UNREADABLE = "The file is not a PNG or JPEG image that can be read. Save it as PNG or JPEG and try again."


class LogoRefused(Exception):
    """The upload cannot be used as a logo; the message says why."""


def _decode(data: bytes) -> str:
    try:
        with Image.open(io.BytesIO(data), formats=tuple(MIME_TYPES)) as image:
            width, height = image.size
            too_big = width > MAX_SIDE or height > MAX_SIDE
            if not too_big:
                image.load()  # decode every pixel: a truncated or corrupt file fails here, not on a certificate
            mime = MIME_TYPES[str(image.format)]
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, KeyError, Image.DecompressionBombError):
        raise LogoRefused(UNREADABLE) from None
    if too_big:
        raise LogoRefused(f"The image is {width} × {height} pixels; use one at most {MAX_SIDE} pixels on each side.")
    return mime


def _drawable(data: bytes) -> None:
    sample = CertificateData(org_name="Check", full_name="Check", course_title="Check", edition="1", score_pct=100,
                             completed_on=date(2026, 1, 1), valid_until=date(2027, 1, 1), number="CHECK-1",
                             code="check", verify_url="https://example.org/verify/check", signatory_name="Check",
                             signatory_role="Check", logo=data)
    try:
        render_certificate(sample)
    except Exception:  # noqa: BLE001  (any failure here would otherwise surface when a certificate is issued)
        raise LogoRefused("This image cannot be drawn on a certificate. Save it again as an ordinary PNG or "
                          "JPEG and try again.") from None


def check_logo(data: bytes) -> str:
    """Return the logo's MIME type, or raise LogoRefused saying why it cannot be used."""
    if not data:
        raise LogoRefused("The file is empty.")
    if len(data) > MAX_LOGO_BYTES:
        raise LogoRefused("The file is larger than 1 MB. Choose a smaller image.")
    mime = _decode(data)
    _drawable(data)
    return mime
