"""Certificate of completion as one A4 landscape PDF page: pure drawing, identical bytes for identical data."""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace
from datetime import date

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from ..fonts import BOLD, REGULAR, register_fonts
from .qr import draw_qr

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
FRAME_INSET = 24.0  # the inner border: every line of text stays inside it
MARGIN = 60.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LOGO_BOX = (PAGE_WIDTH / 2 - 90, PAGE_HEIGHT - 100, 180.0, 56.0)  # x, y, width, height
QR_SIZE = 112.0
QR_X, QR_Y = PAGE_WIDTH - MARGIN - QR_SIZE + 10, 46.0  # the quiet zone may reach into the margin
SIGNATURE_X, SIGNATURE_WIDTH, SIGNATURE_RULE_Y = MARGIN, 230.0, 108.0
BODY_TOP_GAP, BODY_BOTTOM, FOOTER_TOP = 22.0, QR_Y + QR_SIZE + 14, 44.0

NAVY, INK, MUTED, RULE = (HexColor(c) for c in ("#1D3557", "#1F2933", "#52606D", "#A7B6C8"))
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on one certificate; the caller has already validated it."""

    org_name: str
    full_name: str
    course_title: str
    edition: str
    score_pct: int
    completed_on: date
    valid_until: date
    number: str
    code: str
    verify_url: str
    signatory_name: str
    signatory_role: str
    logo: bytes | None = None


@dataclass(frozen=True)
class TextLine:
    """One line of text at its final place: x is the left edge, y the baseline."""

    text: str
    font: str
    size: float
    x: float
    y: float
    colour: Color = INK

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Ink bounds (x0, y0, x1, y1) from the text width and the font's ascent and descent."""
        ascent, descent = pdfmetrics.getAscentDescent(self.font, self.size)
        width = pdfmetrics.stringWidth(self.text, self.font, self.size)
        return self.x, self.y + descent, self.x + width, self.y + ascent


@dataclass(frozen=True)
class Block:
    """A centred paragraph to fit: the largest size in [min_size, max_size] in as few lines as possible."""

    text: str
    font: str
    max_size: float
    min_size: float
    max_lines: int = 1
    colour: Color = INK
    space_before: float = 0.0


def format_date(day: date) -> str:
    """Format a date as '3 March 2026' whatever the process locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break text greedily at spaces into lines no wider than width (a single long word may still be)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and pdfmetrics.stringWidth(candidate, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current] if current else lines


def _fits(lines: list[str], font: str, size: float, width: float, max_lines: int) -> bool:
    return len(lines) <= max_lines and all(pdfmetrics.stringWidth(s, font, size) <= width for s in lines)


def _balance(text: str, font: str, size: float, width: float) -> list[str]:
    # Narrow the wrap width while the line count holds, so two lines split evenly
    # instead of leaving one word alone on the last line.
    lines = wrap(text, font, size, width)
    low, high = width / len(lines), width
    for _ in range(12):
        middle = (low + high) / 2
        if len(wrap(text, font, size, middle)) == len(lines):
            high = middle
        else:
            low = middle
    return wrap(text, font, size, high)


def fit_text(text: str, font: str, width: float, max_size: float, min_size: float,
             max_lines: int = 1) -> tuple[float, list[str]]:
    """Return a font size and lines that keep text within width: fewest lines first, then the largest size."""
    text = " ".join(text.split())
    one_point = pdfmetrics.stringWidth(text, font, 1)
    if not one_point:
        return max_size, [text] if text else []
    single = math.floor(min(max_size, width / one_point) * 10) / 10
    if single >= min_size or max_lines == 1:
        return single, [text]
    for count in range(2, max_lines + 1):
        for size in (max_size - 0.5 * i for i in range(int((max_size - min_size) / 0.5) + 1)):
            if _fits(wrap(text, font, size, width), font, size, width, count):
                return size, _balance(text, font, size, width)
    size = min_size
    # Never let text run off the page: below the minimum, keep shrinking until it fits.
    while not _fits(wrap(text, font, size, width), font, size, width, max_lines):
        size = math.floor(size * 9) / 10
    return size, wrap(text, font, size, width)


def stack(blocks: list[Block], top: float, centre_x: float = PAGE_WIDTH / 2,
          width: float = CONTENT_WIDTH) -> list[TextLine]:
    """Fit each block and place its lines centred on centre_x, going down from top."""
    placed: list[TextLine] = []
    for block in blocks:
        size, lines = fit_text(block.text, block.font, width, block.max_size, block.min_size, block.max_lines)
        ascent, descent = pdfmetrics.getAscentDescent(block.font, size)
        top -= block.space_before
        for text in lines:
            line_width = pdfmetrics.stringWidth(text, block.font, size)
            placed.append(TextLine(text, block.font, size, centre_x - line_width / 2, top - ascent, block.colour))
            top -= (ascent - descent) * 1.12
    return placed


def _pair(label: str, value: str, right: float, y: float, width: float) -> list[TextLine]:
    # Label and value share one baseline, so text extraction reads "Certificate number X".
    em = pdfmetrics.stringWidth(label, REGULAR, 1) + pdfmetrics.stringWidth(value, BOLD, 1)
    size = math.floor(min(9.0, width / em) * 10) / 10
    value_x = right - pdfmetrics.stringWidth(value, BOLD, size)
    label_x = value_x - pdfmetrics.stringWidth(label, REGULAR, size)
    return [TextLine(label, REGULAR, size, label_x, y, MUTED), TextLine(value, BOLD, size, value_x, y, INK)]


def _body(data: CertificateData, scale: float) -> list[Block]:
    dot = "   ·   "
    blocks = [
        Block("Certificate of completion", BOLD, 32, 32, colour=NAVY),
        Block("This is to certify that", REGULAR, 12.5, 12.5, colour=MUTED, space_before=22),
        Block(data.full_name, BOLD, 30, 14, max_lines=2, space_before=8),
        Block("has completed", REGULAR, 12.5, 12.5, colour=MUTED, space_before=10),
        Block(data.course_title, BOLD, 20, 12, max_lines=3, colour=NAVY, space_before=8),
        Block(f"Edition {data.edition}{dot}Score {data.score_pct} %", REGULAR, 11, 8,
              colour=MUTED, space_before=20),
        Block(f"Completed {format_date(data.completed_on)}{dot}"
              f"Valid until {format_date(data.valid_until)}", REGULAR, 11, 8, space_before=5),
    ]
    return [replace(b, max_size=b.max_size * scale, min_size=b.min_size * scale,
                    space_before=b.space_before * scale) for b in blocks]


def _centred_body(data: CertificateData, top: float, bottom: float) -> list[TextLine]:
    # Long names, titles and organisation names can outgrow the space between header and
    # signature row; scale the whole body down together rather than let it overlap either.
    scale = 1.0
    body = stack(_body(data, scale), 0.0)
    while -min(line.box[1] for line in body) > top - bottom and scale > 0.5:
        scale -= 0.1
        body = stack(_body(data, scale), 0.0)
    shift = bottom + (top - bottom - min(line.box[1] for line in body)) / 2
    return [replace(line, y=line.y + shift) for line in body]


def _bottom_row(data: CertificateData) -> list[TextLine]:
    signature_centre = SIGNATURE_X + SIGNATURE_WIDTH / 2
    lines = stack([Block(data.signatory_name, BOLD, 11.5, 8, max_lines=2),
                   Block(data.signatory_role, REGULAR, 9.5, 7, max_lines=2, colour=MUTED, space_before=1)],
                  SIGNATURE_RULE_Y - 5, signature_centre, SIGNATURE_WIDTH)
    right = QR_X - 4
    width = right - (SIGNATURE_X + SIGNATURE_WIDTH + 24)
    lines += _pair("Certificate number ", data.number, right, QR_Y + QR_SIZE / 2 + 6, width)
    lines += _pair("Verification code ", data.code, right, QR_Y + QR_SIZE / 2 - 12, width)
    lines += stack([Block(f"To check this certificate, scan the QR code or go to {data.verify_url}",
                          REGULAR, 8.5, 6, colour=MUTED)], FOOTER_TOP)
    return lines


def layout(data: CertificateData) -> list[TextLine]:
    """Place every line of text on the page; render_certificate draws exactly these."""
    register_fonts()
    header_top = LOGO_BOX[1] - 12 if data.logo else PAGE_HEIGHT - 52
    lines = stack([Block(data.org_name, BOLD, 14, 10, max_lines=2, colour=NAVY)], header_top)
    body_top = min(line.box[1] for line in lines) - BODY_TOP_GAP
    return lines + _centred_body(data, body_top, BODY_BOTTOM) + _bottom_row(data)


def _draw_rules(canvas: Canvas) -> None:
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(1.6)
    canvas.rect(18, 18, PAGE_WIDTH - 36, PAGE_HEIGHT - 36)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.rect(FRAME_INSET, FRAME_INSET, PAGE_WIDTH - 2 * FRAME_INSET, PAGE_HEIGHT - 2 * FRAME_INSET)
    canvas.line(SIGNATURE_X, SIGNATURE_RULE_Y, SIGNATURE_X + SIGNATURE_WIDTH, SIGNATURE_RULE_Y)


def _set_metadata(canvas: Canvas, data: CertificateData) -> None:
    canvas.setTitle(f"Certificate of completion – {data.course_title}")
    canvas.setAuthor(data.org_name)
    canvas.setSubject(f"{data.full_name} – {data.number}")
    canvas.setCreator("quizapp")


def render_certificate(data: CertificateData) -> bytes:
    """Draw the certificate and return the PDF; the same data always gives the same bytes."""
    lines = layout(data)
    buffer = io.BytesIO()
    # invariant=1 fixes the creation date and document ID, which would otherwise change every call.
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, pageCompression=1, lang="en-GB")
    _set_metadata(canvas, data)
    _draw_rules(canvas)
    if data.logo:
        x, y, width, height = LOGO_BOX
        canvas.drawImage(ImageReader(io.BytesIO(data.logo)), x, y, width, height,
                         mask="auto", preserveAspectRatio=True, anchor="c")
    for line in lines:
        canvas.setFont(line.font, line.size)
        canvas.setFillColor(line.colour)
        canvas.drawString(line.x, line.y, line.text)
    draw_qr(canvas, data.verify_url, QR_X, QR_Y, QR_SIZE)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
