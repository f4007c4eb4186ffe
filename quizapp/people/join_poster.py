"""The printable poster for a join link: what it is for, the QR code and the address to type."""
from __future__ import annotations

import io
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from ..certificates.qr import draw_qr
from ..fonts import BOLD, REGULAR, register_fonts


def poster_pdf(url: str, school: str, org: str, expires: datetime, group: str | None) -> bytes:
    """An A4 poster (PDF bytes) inviting adults to join the school's safeguarding training by the QR code."""
    register_fonts()
    buffer = io.BytesIO()
    width, height = A4
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setTitle(f"Join {school} safeguarding training")
    canvas.setFont(BOLD, 28)
    canvas.drawCentredString(width / 2, height - 90, "Safeguarding training")
    canvas.setFont(BOLD, 20)
    canvas.drawCentredString(width / 2, height - 125, school)
    canvas.setFont(REGULAR, 13)
    intro = ("Volunteers, governors, supply staff and contractors: scan this code with your phone to join "
             f"{org}'s safeguarding training. The safeguarding lead approves each request.")
    y = height - 165
    for line in simpleSplit(intro, REGULAR, 13, width - 140):
        canvas.drawCentredString(width / 2, y, line)
        y -= 18
    size = 300
    draw_qr(canvas, url, (width - size) / 2, y - size - 20, size)
    y -= size + 50
    canvas.setFont(REGULAR, 10)
    for line in simpleSplit(f"Or type: {url}", REGULAR, 10, width - 100):
        canvas.drawCentredString(width / 2, y, line)
        y -= 14
    canvas.setFont(REGULAR, 12)
    joins = f" as {group}" if group else ""
    canvas.drawCentredString(width / 2, y - 16, f"You join {school}{joins}. This code works until "
                                                 f"{expires.strftime('%-d %B %Y')}.")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
