"""Checking an uploaded evidence file: a real PDF, PNG or JPEG within the size limit, images re-encoded clean.

Nothing about the upload's name or declared type is trusted: the bytes decide. PDFs must start with the PDF
magic bytes and parse with pypdf; images are decoded with Pillow and saved again without their metadata
(EXIF, GPS, comments, embedded profiles), so what is stored is only pixels.
"""
from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # checked before decoding: a small file can still claim a vast image
NAME_MAX = 255
WRONG_TYPE = "The file must be a PDF, PNG or JPEG. Save it as one of those and try again."
CORRUPT_PDF = "The PDF cannot be read (it may be damaged or password-protected). Save it again and try again."
CORRUPT_IMAGE = "The image cannot be read (it may be damaged). Save it again as PNG or JPEG and try again."

# pypdf logs every repair it attempts; a refused upload is reported to the person, not to the log.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class EvidenceRefused(Exception):
    """The upload cannot be kept as evidence; the message says why, for the field."""


@dataclass(frozen=True)
class CheckedEvidence:
    """Bytes fit to store, what they are, their digest and the name to show (never used as a path)."""

    data: bytes
    content_type: str
    sha256: str
    display_name: str


def display_name(name: str | None) -> str:
    """The uploaded name reduced to its last part, printable and short: shown to people, never opened."""
    last = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in last if ch.isprintable()).strip()
    return cleaned[:NAME_MAX] or "evidence"


def _check_pdf(data: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted or len(reader.pages) < 1:
            raise EvidenceRefused(CORRUPT_PDF)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise EvidenceRefused(CORRUPT_PDF) from None
    return data


def _reencode(data: bytes) -> tuple[bytes, str]:
    try:
        with Image.open(io.BytesIO(data), formats=("PNG", "JPEG")) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise EvidenceRefused(f"The image is {width} × {height} pixels; use a smaller scan or photo.")
            image.load()  # decode every pixel: a truncated or corrupt file fails here
            upright = ImageOps.exif_transpose(image)  # keep a phone photo the right way up once EXIF is gone
            fmt = str(image.format)
            out = io.BytesIO()
            if fmt == "PNG":
                clean = upright if upright.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else upright.convert("RGBA")
                clean.save(out, "PNG", optimize=False)
                return out.getvalue(), "image/png"
            clean = upright if upright.mode in ("L", "RGB") else upright.convert("RGB")
            clean.save(out, "JPEG", quality=90)
            return out.getvalue(), "image/jpeg"
    except EvidenceRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, KeyError, Image.DecompressionBombError):
        raise EvidenceRefused(CORRUPT_IMAGE) from None


def check_evidence(data: bytes, name: str | None) -> CheckedEvidence:
    """The evidence ready to store, or EvidenceRefused naming what is wrong with the file."""
    if not data:
        raise EvidenceRefused("The file is empty. Choose the certificate or attendance record to upload.")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceRefused(f"The file is larger than {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB. "
                              "Choose a smaller file.")
    if data.startswith(b"%PDF-"):
        stored, kind = _check_pdf(data), "application/pdf"
    elif data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        stored, kind = _reencode(data)
    else:
        raise EvidenceRefused(WRONG_TYPE)
    return CheckedEvidence(stored, kind, hashlib.sha256(stored).hexdigest(), display_name(name))
