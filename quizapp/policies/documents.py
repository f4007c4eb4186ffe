"""Checking an uploaded policy document: a real PDF within the size limit, or Markdown text."""
from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PyPdfError

MAX_BYTES = 20 * 1024 * 1024
MAX_MARKDOWN = 200_000
PDF_MAGIC = b"%PDF-"


class DocumentError(ValueError):
    """A document that cannot be published; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class Document:
    """A checked document, ready to store: its kind, its bytes or text, and their SHA-256."""

    kind: str  # "pdf" or "markdown"
    data: bytes | None
    text: str | None
    sha256: str
    size: int


def sha256_of(data: bytes) -> str:
    """The hex SHA-256 of the bytes."""
    return hashlib.sha256(data).hexdigest()


def _pages(data: bytes) -> int:
    # pypdf logs every repair it attempts; a broken upload is reported to the admin instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise DocumentError("document", "The PDF is password-protected: upload a version without a password.")
    return len(reader.pages)


def check_pdf(data: bytes, field: str = "document") -> Document:
    """A PDF if its first bytes say so, it is within the size limit, and pypdf can read every page's count."""
    if not data:
        raise DocumentError(field, "Choose a PDF file to upload.")
    if len(data) > MAX_BYTES:
        raise DocumentError(field, f"The file is {len(data) / 1024 / 1024:.1f} MB: the limit is 20 MB.")
    if not data.startswith(PDF_MAGIC):
        raise DocumentError(field, "The file is not a PDF: upload a PDF, or paste the policy as Markdown.")
    try:
        pages = _pages(data)
    except DocumentError as exc:
        raise DocumentError(field, exc.message) from None
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise DocumentError(field, "The PDF is damaged and cannot be read: save or export it again.") from None
    if pages < 1:
        raise DocumentError(field, "The PDF has no pages.")
    return Document("pdf", data, None, sha256_of(data), len(data))


def check_markdown(text: str, field: str = "markdown") -> Document:
    """Markdown text, with Windows line endings made plain so the SHA-256 depends only on the words."""
    clean = (text or "").replace("\r\n", "\n").strip()
    if not clean:
        raise DocumentError(field, "Enter the policy text.")
    if len(clean) > MAX_MARKDOWN:
        raise DocumentError(field, f"The text is {len(clean):,} characters: the limit is {MAX_MARKDOWN:,}.")
    data = clean.encode("utf-8")
    return Document("markdown", None, clean, sha256_of(data), len(data))
