"""A person's policy acknowledgement receipts as one small PDF: each policy, version, time and document SHA-256.

Pure drawing with reportlab's canvas (no platypus: a thousand receipts in an evidence pack must stay fast), and
deterministic bytes (invariant=1), so the same acknowledgements always give the same file. Text that Windows-1252
can spell is set in the PDF's built-in Helvetica: embedding a subset of DejaVu Sans costs about 13 ms a receipt
against under 3 ms, so DejaVu is kept for names and titles that need it (Łukasz, Nguyễn).
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..fonts import BOLD, REGULAR, register_fonts

MARGIN = 18 * mm
BLOCK = 17 * mm  # the height of one acknowledgement's lines
TITLE_MAX = 90  # longer titles are cut with an ellipsis so every line keeps to the page


BUILT_IN = ("Helvetica", "Helvetica-Bold")


@dataclass(frozen=True)
class Receipt:
    """One acknowledgement as the receipt prints it."""

    policy: str
    version: str
    at: datetime
    sha256: str


def _when(at: datetime) -> str:
    return f"{at.day} {at:%B %Y}, {at:%H:%M} UTC"


def fonts_for(texts: Sequence[str]) -> tuple[str, str]:
    """(regular, bold): the built-in fonts when every text fits Windows-1252, else the bundled DejaVu Sans."""
    try:
        for text in texts:
            text.encode("cp1252")
    except UnicodeEncodeError:
        register_fonts()
        return REGULAR, BOLD
    return BUILT_IN


def _heading(pdf: Canvas, fonts: tuple[str, str], name: str, email: str, prepared: str) -> float:
    """Draw the page's heading and return the height where the first receipt starts."""
    regular, bold = fonts
    _, height = A4
    pdf.setFont(bold, 15)
    pdf.drawString(MARGIN, height - MARGIN, "Policy acknowledgement receipts")
    pdf.setFont(regular, 10)
    pdf.drawString(MARGIN, height - MARGIN - 7 * mm, f"{name} ({email})")
    pdf.setFont(regular, 8)
    pdf.drawString(MARGIN, height - MARGIN - 12 * mm, prepared)
    return float(height - MARGIN - 22 * mm)


def _block(pdf: Canvas, fonts: tuple[str, str], y: float, receipt: Receipt) -> None:
    regular, bold = fonts
    title = receipt.policy if len(receipt.policy) <= TITLE_MAX else receipt.policy[:TITLE_MAX - 1] + "…"
    pdf.setFont(bold, 10)
    pdf.drawString(MARGIN, y, title)
    pdf.setFont(regular, 9)
    pdf.drawString(MARGIN, y - 4.8 * mm, f"Version {receipt.version}, read and acknowledged {_when(receipt.at)}")
    pdf.setFont(regular, 7.5)
    pdf.drawString(MARGIN, y - 9.2 * mm, f"SHA-256 of the document read: {receipt.sha256}")


def receipts_pdf(name: str, email: str, receipts: Sequence[Receipt], prepared: str) -> bytes:
    """The receipts, oldest first, as many to a page as fit; `prepared` says for which day and by whom."""
    fonts = fonts_for([name, email, prepared, *[r.policy + r.version for r in receipts]])
    out = io.BytesIO()
    pdf = Canvas(out, pagesize=A4, invariant=1)
    pdf.setTitle(f"Policy acknowledgement receipts: {name}")
    y = _heading(pdf, fonts, name, email, prepared)
    for receipt in receipts:
        if y < MARGIN + BLOCK:
            pdf.showPage()
            y = _heading(pdf, fonts, name, email, prepared)
        _block(pdf, fonts, y, receipt)
        y -= BLOCK
    pdf.showPage()
    pdf.save()
    return out.getvalue()
