"""Certificate PDF drawing: content, metadata, Unicode, determinism, QR, logo and fitting long text."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from quizapp.certificates import pdf
from quizapp.certificates.pdf import CertificateData, fit_text, layout, render_certificate
from quizapp.certificates.qr import dark_runs, qr_matrix
from quizapp.fonts import register_fonts

REPO = Path(__file__).resolve().parents[2]
CODE = "q7Hn0c2VbUe9Xk3LmP1sTwA4yZ8rJ6dF-gN5hB_iQoE"
LONG_NAME = ("Alexandra-Josephine Maximiliana Wilhelmina Featherstonehaugh-Cholmondeley "
             "Montgomery-Smythe Ó Súilleabháin-Wróblewski Jr")
LONG_TITLE = ("Safeguarding and child protection for designated safeguarding leads, deputies and "
              "governors: statutory guidance, online safety, Prevent duty and record keeping in practice")
UNICODE_NAMES = ["Zoë Ó Súilleabháin", "Łukasz Wróblewski", "Gwenllïan Ŵyn"]


def sample(**changes: object) -> CertificateData:
    """A typical certificate, with any field replaced."""
    data = CertificateData(
        org_name="Riverside Primary School", full_name="Priya Natarajan",
        course_title="Safeguarding children: annual refresher", edition="2025-03", score_pct=92,
        completed_on=date(2026, 3, 3), valid_until=date(2027, 3, 3), number="DEMO-2026-000123",
        code=CODE, verify_url=f"https://training.example/verify/{CODE}",
        signatory_name="Gwenllïan Ŵyn", signatory_role="Designated Safeguarding Lead")
    return replace(data, **changes)


def need(tool: str) -> None:
    """Skip without a poppler tool locally; in CI its absence is a failure, as for Redis and Chromium."""
    if shutil.which(tool) is None:
        message = f"{tool} is missing (Debian package poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def text_of(pdf_bytes: bytes) -> str:
    """The page text as pypdf extracts it, whitespace collapsed to single spaces."""
    page = PdfReader(io.BytesIO(pdf_bytes)).pages[0]
    return " ".join(page.extract_text().split())


def image_bytes(mode: str, size: tuple[int, int], fmt: str) -> bytes:
    """A small generated image: a coloured band on a (possibly transparent) background."""
    background, band = {"RGBA": ((0, 0, 0, 0), (29, 53, 87, 255)), "RGB": ((255, 255, 255), (29, 53, 87)),
                        "L": (255, 60)}[mode]
    image = Image.new(mode, size, background)
    image.paste(band, (0, size[1] // 4, size[0], size[1] // 2))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def test_page_shows_every_field() -> None:
    text = text_of(render_certificate(sample()))
    for expected in ["Riverside Primary School", "Certificate of completion", "This is to certify that",
                     "Priya Natarajan", "has completed", "Safeguarding children: annual refresher",
                     "Edition 2025-03", "Score 92 %", "Completed 3 March 2026", "Valid until 3 March 2027",
                     "Certificate number DEMO-2026-000123", f"Verification code {CODE}",
                     "Gwenllïan Ŵyn", "Designated Safeguarding Lead",
                     f"scan the QR code or go to https://training.example/verify/{CODE}"]:
        assert expected in text


def test_metadata() -> None:
    meta = PdfReader(io.BytesIO(render_certificate(sample()))).metadata
    assert meta is not None
    assert meta.title == "Certificate of completion – Safeguarding children: annual refresher"
    assert meta.author == "Riverside Primary School"
    assert meta.subject == "Priya Natarajan – DEMO-2026-000123"
    assert meta.creator == "quizapp"


def test_page_is_a4_landscape_with_embedded_dejavu() -> None:
    page = PdfReader(io.BytesIO(render_certificate(sample()))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    fonts = {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
    assert any(name.endswith("+DejaVuSans") for name in fonts)
    assert any(name.endswith("+DejaVuSans-Bold") for name in fonts)


@pytest.mark.parametrize("name", UNICODE_NAMES)
def test_unicode_names_extract_exactly(name: str) -> None:
    pdf_bytes = render_certificate(sample(full_name=name, org_name=f"Ysgol {name}"))
    assert name in text_of(pdf_bytes)
    assert f"Ysgol {name}" in text_of(pdf_bytes)


def test_unicode_names_extract_with_poppler(tmp_path: Path) -> None:
    need("pdftotext")
    path = tmp_path / "cert.pdf"
    path.write_bytes(render_certificate(sample(full_name=" & ".join(UNICODE_NAMES))))
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    for name in UNICODE_NAMES:
        assert name in out


def test_markup_in_user_data_is_printed_literally() -> None:
    name = '<b>Bobby</b> & "Tables"'
    text = text_of(render_certificate(sample(full_name=name, course_title="<i>Course</i> &amp; more")))
    assert name in text
    assert "<i>Course</i> &amp; more" in text


def test_same_data_gives_identical_bytes() -> None:
    assert render_certificate(sample()) == render_certificate(sample())
    assert render_certificate(sample()) != render_certificate(sample(score_pct=93))


def test_bytes_identical_across_processes() -> None:
    script = ("import sys; from tests.unit.test_certificate_pdf import sample; "
              "from quizapp.certificates.pdf import render_certificate; "
              "sys.stdout.buffer.write(render_certificate(sample()))")
    other = subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True, capture_output=True).stdout
    assert other == render_certificate(sample())


def decode_qr(pdf_bytes: bytes, tmp_path: Path) -> list[str]:
    """Rasterise the page at 150 dpi with poppler and return every QR code zxing finds."""
    need("pdftoppm")
    (tmp_path / "cert.pdf").write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "cert.pdf"),
                    str(tmp_path / "page")], check=True)
    with Image.open(tmp_path / "page.png") as page:
        return [result.text for result in zxingcpp.read_barcodes(page)
                if result.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.mark.parametrize("code", [CODE, "A" * 22, "x_-9" * 11])
def test_qr_decodes_to_verify_url(code: str, tmp_path: Path) -> None:
    url = f"https://training.example/verify/{code}"
    assert decode_qr(render_certificate(sample(code=code, verify_url=url)), tmp_path) == [url]


def test_qr_matrix_is_medium_level_and_runs_cover_dark_modules() -> None:
    matrix = qr_matrix(f"https://training.example/verify/{CODE}")
    assert len(matrix) == 37  # version 5: 75 bytes need version 5 at level M (version 4 would suffice at L)
    for row in matrix:
        covered = {col for start, length in dark_runs(row) for col in range(start, start + length)}
        assert covered == {col for col, dark in enumerate(row) if dark}


def drawn_image_sizes(pdf_bytes: bytes) -> list[tuple[float, float]]:
    """Width and height of every image placed on the page, read from its 'w 0 0 h x y cm ... Do'."""
    content = PdfReader(io.BytesIO(pdf_bytes)).pages[0].get_contents()
    assert content is not None
    data = content.get_data().decode("latin-1")
    return [(float(w), float(h)) for w, h in re.findall(r"([\d.]+) 0 0 ([\d.]+) [\d.]+ [\d.]+ cm\s*/\S+ Do", data)]


@pytest.mark.parametrize(("mode", "size", "fmt"), [("RGBA", (400, 100), "PNG"), ("RGB", (120, 200), "JPEG"),
                                                   ("L", (60, 60), "PNG")])
def test_logo_is_drawn_inside_its_box_with_aspect_kept(mode: str, size: tuple[int, int], fmt: str) -> None:
    pdf_bytes = render_certificate(sample(logo=image_bytes(mode, size, fmt)))
    [xobject] = PdfReader(io.BytesIO(pdf_bytes)).pages[0]["/Resources"]["/XObject"].values()
    assert ("/SMask" in xobject.get_object()) == (mode == "RGBA")  # transparency kept, not turned black
    [(width, height)] = drawn_image_sizes(pdf_bytes)
    box_width, box_height = pdf.LOGO_BOX[2:]
    assert width <= box_width + 0.01 and height <= box_height + 0.01
    assert width == pytest.approx(box_width, abs=0.01) or height == pytest.approx(box_height, abs=0.01)
    assert width / height == pytest.approx(size[0] / size[1], rel=0.01)
    assert "Priya Natarajan" in text_of(pdf_bytes)


def test_without_logo_no_image_is_drawn() -> None:
    assert drawn_image_sizes(render_certificate(sample())) == []


def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two (x0, y0, x1, y1) boxes share any area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_long_name_is_120_characters() -> None:
    assert len(LONG_NAME) == 120


LONG_CASES = {
    "long name": sample(full_name=LONG_NAME),
    "long name and title": sample(full_name=LONG_NAME, course_title=LONG_TITLE),
    "unbreakable name": sample(full_name="X" * 120),
    "everything long": sample(full_name=LONG_NAME, course_title=LONG_TITLE, org_name=LONG_TITLE,
                              signatory_name=LONG_NAME, signatory_role=LONG_TITLE, number="N" * 60,
                              logo=image_bytes("RGB", (300, 100), "PNG")),
}


@pytest.mark.parametrize("data", LONG_CASES.values(), ids=LONG_CASES.keys())
def test_long_text_stays_inside_the_frame_without_overlaps(data: CertificateData) -> None:
    lines = layout(data)
    inset = pdf.FRAME_INSET
    qr_box = (pdf.QR_X, pdf.QR_Y, pdf.QR_X + pdf.QR_SIZE, pdf.QR_Y + pdf.QR_SIZE)
    for i, line in enumerate(lines):
        x0, y0, x1, y1 = line.box
        assert inset < x0 and x1 < pdf.PAGE_WIDTH - inset and inset < y0 and y1 < pdf.PAGE_HEIGHT - inset, line
        assert not overlaps(line.box, qr_box), line
        assert not any(overlaps(line.box, other.box) for other in lines[i + 1:]), line
        if data.logo:
            x, y, w, h = pdf.LOGO_BOX
            assert not overlaps(line.box, (x, y, x + w, y + h)), line


@pytest.mark.parametrize("data", LONG_CASES.values(), ids=LONG_CASES.keys())
def test_long_text_in_the_pdf_itself_stays_on_the_page(data: CertificateData) -> None:
    pdf_bytes = render_certificate(data)
    placed: list[tuple[float, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict | None, size: float) -> None:
        if text.strip() and font is not None:
            base = str(font["/BaseFont"]).split("+")[-1]
            x, y = tm[4] + cm[4], tm[5] + cm[5]
            placed.append((x, y, x + pdfmetrics.stringWidth(text, base, size)))

    PdfReader(io.BytesIO(pdf_bytes)).pages[0].extract_text(visitor_text=visit)
    assert placed
    for x0, y, x1 in placed:
        assert pdf.FRAME_INSET < x0 < x1 < pdf.PAGE_WIDTH - pdf.FRAME_INSET
        assert pdf.FRAME_INSET < y < pdf.PAGE_HEIGHT - pdf.FRAME_INSET
    assert data.full_name in text_of(pdf_bytes)


def test_fit_text_prefers_fewer_lines_then_larger_size() -> None:
    register_fonts()
    assert fit_text("Short", pdf.BOLD, 500, 30, 16, max_lines=2) == (30, ["Short"])
    size, lines = fit_text(LONG_NAME, pdf.BOLD, pdf.CONTENT_WIDTH, 30, 12, max_lines=2)
    assert len(lines) == 2 and 12 <= size < 30
    assert " ".join(lines) == LONG_NAME
    widths = [pdfmetrics.stringWidth(line, pdf.BOLD, size) for line in lines]
    assert max(widths) <= pdf.CONTENT_WIDTH and min(widths) > 0.6 * max(widths)  # balanced, not ragged


def test_fit_text_shrinks_an_unbreakable_word_below_the_minimum() -> None:
    register_fonts()
    size, lines = fit_text("W" * 200, pdf.BOLD, 300, 30, 16, max_lines=2)
    assert lines == ["W" * 200] and size < 16
    assert pdfmetrics.stringWidth(lines[0], pdf.BOLD, size) <= 300


def test_fonts_are_registered_once() -> None:
    register_fonts()
    font = pdfmetrics.getFont(pdf.REGULAR)
    render_certificate(sample())
    register_fonts()
    assert pdfmetrics.getFont(pdf.REGULAR) is font


def test_dates_are_day_month_year_in_english() -> None:
    assert pdf.format_date(date(2026, 11, 23)) == "23 November 2026"
    assert pdf.format_date(date(2027, 1, 1)) == "1 January 2027"
