"""The evidence pack's PDF summary and one person's training record, drawn with reportlab's platypus.

Pure drawing: the caller gathers the figures and rows; the same input gives the same bytes (invariant=1). Table
cells are plain strings (not Paragraphs), which keeps a thousand-row matrix to a second or so.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from ..fonts import BOLD, REGULAR, register_fonts

ROWS_PER_TABLE = 32  # one table per page's worth of rows: splitting one huge table costs far more
CELL_MAX = 64  # longer text is cut with an ellipsis so every column keeps to the page
HEAD_FILL, RULE = colors.HexColor("#1D3557"), colors.HexColor("#A7B6C8")


@dataclass(frozen=True)
class Section:
    """A heading, optional lines of text, and an optional table (header and rows of strings)."""

    heading: str
    lines: Sequence[str] = ()
    header: Sequence[str] = ()
    rows: Sequence[Sequence[str]] = ()
    empty: str = "None."


@dataclass(frozen=True)
class Document:
    """A whole PDF: its title, the facts under it, and its sections."""

    title: str
    facts: Sequence[tuple[str, str]]
    sections: Sequence[Section] = field(default_factory=list)
    wide: bool = False


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    return {"title": ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=20, spaceAfter=6),
            "h2": ParagraphStyle("h2", fontName=BOLD, fontSize=12, leading=15, spaceBefore=10, spaceAfter=4),
            "body": ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=12)}


def _cell(text: str) -> str:
    """Each line of the text (a cell may hold several) cut to CELL_MAX characters."""
    return "\n".join(line if len(line) <= CELL_MAX else line[:CELL_MAX - 1] + "…" for line in text.split("\n"))


def _tables(header: Sequence[str], rows: Sequence[Sequence[str]], size: float) -> list[Flowable]:
    style = TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, size), ("FONT", (0, 0), (-1, 0), BOLD, size),
                        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white), ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
                        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)])
    head = [_cell(h) for h in header]
    return [Table([head] + [[_cell(str(v)) for v in row] for row in rows[start:start + ROWS_PER_TABLE]],
                  repeatRows=1, style=style, hAlign="LEFT")
            for start in range(0, len(rows), ROWS_PER_TABLE)]


def _section(section: Section, styles: dict[str, ParagraphStyle], size: float) -> list[Flowable]:
    parts: list[Flowable] = [Paragraph(escape(section.heading), styles["h2"])]
    parts += [Paragraph(escape(line), styles["body"]) for line in section.lines]
    if section.header:
        tables = _tables(section.header, section.rows, size)
        parts += tables or [Paragraph(escape(section.empty), styles["body"])]
    return [KeepTogether(parts[:2])] + parts[2:] if len(parts) > 1 else parts


def render(doc: Document) -> bytes:
    """The document as PDF bytes."""
    styles = _styles()
    out = io.BytesIO()
    page = landscape(A4) if doc.wide else A4
    template = SimpleDocTemplate(out, pagesize=page, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=14 * mm,
                                 bottomMargin=14 * mm, title=doc.title, author="", invariant=1)
    story: list[Flowable] = [Paragraph(escape(doc.title), styles["title"])]
    story += [Paragraph(f'<font name="{BOLD}">{escape(label)}:</font> {escape(value)}', styles["body"])
              for label, value in doc.facts]
    story.append(Spacer(1, 4 * mm))
    for section in doc.sections:
        story += _section(section, styles, 7 if doc.wide else 8)
    template.build(story)
    return out.getvalue()
