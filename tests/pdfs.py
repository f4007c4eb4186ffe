"""Small real PDFs for the policy tests, drawn with reportlab."""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def tiny_pdf(text: str = "A policy", pages: int = 1) -> bytes:
    """A valid PDF of the given pages, each showing the text."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    for n in range(pages):
        pdf.drawString(72, 760, f"{text} (page {n + 1})")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def large_pdf(megabytes: float) -> bytes:
    """A valid one-page PDF of about the given size: a photo of noise, which no compression can shrink."""
    import os

    from PIL import Image
    from reportlab.lib.utils import ImageReader

    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.drawImage(ImageReader(image), 0, 0, width=500, height=500)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
