"""Certificate PDF rendering time per page, and how much of it the QR code takes.

Usage: .venv/bin/python bench/bench_pdf.py [-n 200] [--widget]
With segno importable it also times segno's encoder, the alternative weighed against reportlab's.
Each certificate gets its own name and verification code, as in production, so the QR
matrix cache never hits during the main measurement.
"""
from __future__ import annotations

import argparse
import io
import platform
import random
import statistics
import string
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TypeVar

import reportlab
from reportlab.pdfgen.canvas import Canvas

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quizapp.certificates.pdf import CertificateData, render_certificate
from quizapp.certificates.qr import draw_qr, qr_matrix

FIRST = ["Zoë", "Łukasz", "Gwenllïan", "Priya", "Oluwaseun", "Siobhán", "Mohammed", "Ffion", "Jack", "Aisha"]
LAST = ["Ó Súilleabháin", "Wróblewski", "Ŵyn", "Natarajan", "Adeyemi", "Featherstonehaugh-Cholmondeley",
        "Smith", "Ahmed", "Llewellyn-Jones", "Nguyen"]
ALPHABET = string.ascii_letters + string.digits + "-_"
T = TypeVar("T")


def certificates(count: int, seed: int = 2026) -> list[CertificateData]:
    """Build count certificates with varied names and unique 43-character codes."""
    rng = random.Random(seed)
    base = CertificateData(
        org_name="Riverside Primary School", full_name="", course_title="Safeguarding children: annual refresher",
        edition="2025-03", score_pct=0, completed_on=date(2026, 11, 23), valid_until=date(2027, 11, 23),
        number="", code="", verify_url="", signatory_name="Gwenllïan Ŵyn",
        signatory_role="Designated Safeguarding Lead")
    items = []
    for i in range(count):
        code = "".join(rng.choice(ALPHABET) for _ in range(43))
        name = " ".join([rng.choice(FIRST)] * rng.randint(1, 3) + [rng.choice(LAST)])
        items.append(replace(base, full_name=name, score_pct=rng.randint(80, 100), number=f"DEMO-2026-{i:06d}",
                             code=code, verify_url=f"https://training.example/verify/{code}"))
    return items


def timed(action: Callable[[T], object], items: Iterable[T]) -> list[float]:
    """Milliseconds each call of action takes, one call per item."""
    samples = []
    for item in items:
        start = time.perf_counter_ns()
        action(item)
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def summary(label: str, samples: list[float]) -> str:
    """One report line: mean and 95th percentile in milliseconds."""
    p95 = statistics.quantiles(samples, n=20)[18] if len(samples) > 1 else samples[0]
    return f"{label:<44} mean {statistics.fmean(samples):6.2f} ms   p95 {p95:6.2f} ms   (n={len(samples)})"


def widget_baseline(canvas: Canvas, url: str) -> None:
    """Draw reportlab's QrCodeWidget, the approach draw_qr replaces, for comparison."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    drawing = Drawing(112, 112)
    drawing.add(QrCodeWidget(url, barLevel="M", barWidth=112, barHeight=112))
    renderPDF.draw(drawing, canvas, 0, 0)


def main() -> None:
    """Run the benchmark and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="certificates to render (default 200)")
    parser.add_argument("--widget", action="store_true", help="also time reportlab's QrCodeWidget for comparison")
    args = parser.parse_args()
    items = certificates(args.n)
    print(f"Python {platform.python_version()}, reportlab {reportlab.Version}, {platform.machine()}")
    print(summary("first render (registers fonts)", timed(render_certificate, items[:1])))
    qr_matrix.cache_clear()
    pages = timed(render_certificate, items)
    print(summary("render, new certificate (QR encoded)", pages))
    print(summary("render again, same certificate (QR cached)", timed(render_certificate, items)))
    urls = [d.verify_url for d in items]
    scratch = Canvas(io.BytesIO(), invariant=1)
    encode = timed(qr_matrix.__wrapped__, urls)
    draw = timed(lambda url: draw_qr(scratch, url, 0, 0, 112), urls)
    print(summary("  of which QR encode (eight masks tried)", encode))
    print(summary("  of which QR draw (one path)", draw))
    share = (statistics.fmean(encode) + statistics.fmean(draw)) / statistics.fmean(pages)
    print(f"QR share of a new certificate: {share:.0%}; PDF size {len(render_certificate(items[0])):,} bytes")
    if args.widget:
        widget = timed(lambda url: widget_baseline(scratch, url), urls[:50])
        print(summary("QrCodeWidget instead (for comparison)", widget))
    try:
        import segno
    except ImportError:
        return
    segno_encode = timed(lambda url: segno.make_qr(url, error="m", boost_error=False).matrix, urls)
    print(summary("segno encode instead (for comparison)", segno_encode))


if __name__ == "__main__":
    main()
