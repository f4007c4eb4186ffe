"""The acknowledgement receipts PDF: every receipt on it, pages as needed, any name spelled right, same bytes."""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from pypdf import PdfReader

from quizapp.policies.receipts import BUILT_IN, Receipt, fonts_for, receipts_pdf

AT = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)


def _pages(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_each_receipt_shows_title_version_time_and_hash_over_as_many_pages_as_needed():
    receipts = [Receipt(f"Policy {n:02d}", f"{n}.0", AT + timedelta(days=n), f"{n:02d}" * 32) for n in range(30)]
    pdf = receipts_pdf("Sam Tester", "sam@example.org", receipts, "Prepared by Dee")
    pages = _pages(pdf)
    assert len(pages) == 3 and all(p.startswith("Policy acknowledgement receipts Sam Tester") for p in pages)
    text = " ".join(pages)
    for n in range(30):
        assert f"Policy {n:02d} Version {n}.0, read and acknowledged" in text
        assert f"{n:02d}" * 32 in text.replace(" ", "")
    assert "read and acknowledged 23 November 2026, 09:05 UTC" in text
    assert receipts_pdf("Sam Tester", "sam@example.org", receipts, "Prepared by Dee") == pdf  # deterministic


def test_names_outside_windows_1252_are_set_in_the_bundled_font():
    assert fonts_for(["Zoë Brontë", "Café policy"]) == BUILT_IN
    assert fonts_for(["Łukasz Nguyễn"]) != BUILT_IN
    pdf = receipts_pdf("Łukasz Nguyễn", "l@example.org", [Receipt("Child protection policy", "1.0", AT, "a" * 64)],
                       "Prepared")
    assert "Łukasz Nguyễn" in _pages(pdf)[0]
