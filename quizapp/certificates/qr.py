"""QR codes for certificates: encode once with reportlab's encoder, draw the dark modules as one path."""
from __future__ import annotations

from functools import lru_cache

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.colors import black, white
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE = 4  # modules of white margin the QR specification asks for on every side

Matrix = tuple[tuple[bool, ...], ...]


@lru_cache(maxsize=256)
def qr_matrix(text: str) -> Matrix:
    """Return the QR module matrix for text (rows top to bottom, True = dark), medium error correction."""
    # make() picks the best of the eight masks, which is most of the cost; the cache spares
    # repeated downloads of the same certificate from paying it again.
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    return tuple(tuple(bool(module) for module in row) for row in code.modules)


def dark_runs(row: tuple[bool, ...]) -> list[tuple[int, int]]:
    """Return (start column, length) for each horizontal run of dark modules in a row."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for col, dark in enumerate((*row, False)):
        if dark and start is None:
            start = col
        elif not dark and start is not None:
            runs.append((start, col - start))
            start = None
    return runs


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw a QR code for text, quiet zone included, in the size x size square with lower-left (x, y)."""
    matrix = qr_matrix(text)
    module = size / (len(matrix) + 2 * QUIET_ZONE)
    canvas.saveState()
    # An explicit white square keeps the quiet zone clear whatever the page behind it holds.
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    path = canvas.beginPath()
    left = x + QUIET_ZONE * module
    top = y + size - QUIET_ZONE * module
    for row_index, row in enumerate(matrix):
        # One rectangle per run rather than per module: a smaller path, and no hairline
        # seams between neighbouring modules when viewers anti-alias.
        for start, length in dark_runs(row):
            path.rect(left + start * module, top - (row_index + 1) * module, length * module, module)
    canvas.setFillColor(black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
