"""Small real evidence files for the tests: a PDF drawn by reportlab, PNG and JPEG images carrying metadata."""
from __future__ import annotations

import io

from PIL import Image, PngImagePlugin
from reportlab.pdfgen.canvas import Canvas


def small_pdf(text: str = "Certificate of attendance") -> bytes:
    """A one-page PDF with the given text."""
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.drawString(72, 720, text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def png_with_metadata() -> bytes:
    """A PNG carrying a text chunk that must not survive re-encoding."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-location-51.5N")
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    """A JPEG carrying EXIF (a camera make and a GPS-like tag) that must not survive re-encoding."""
    exif = Image.Exif()
    exif[0x010F] = "SpyCam secret-make"  # Make
    exif[0x0112] = 1  # Orientation
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()
