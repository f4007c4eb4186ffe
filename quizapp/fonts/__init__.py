"""Bundled DejaVu Sans fonts (licence in LICENSE-DejaVu.txt), registered with reportlab on first use."""
from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
FONT_DIR = Path(__file__).resolve().parent
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
_lock = threading.Lock()


def register_fonts() -> None:
    """Register the bundled fonts with reportlab, once per process."""
    with _lock:  # parsing a font file takes milliseconds: never twice, not even from two threads
        for name, filename in _FILES.items():
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
