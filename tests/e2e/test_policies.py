"""In Chromium: an admin publishes a Markdown policy for all staff, a member of staff reads and acknowledges it,
the DSL matrix and CSV show it, a material new version makes that person "Due" again, and the evidence pack holds
their receipts for both versions."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import LiveServer, Person, build_and_download_pack, check_accessibility, sign_in

pytestmark = pytest.mark.e2e

TITLE = "Online safety policy (browser journey)"
TEXT = "## Why this matters\n\nReport any **online** concern to the DSL the same day.\n\n- Never share passwords\n"


def _new_page(browser: Any, live: LiveServer) -> Any:
    return browser.new_context(base_url=live.url, accept_downloads=True, locale="en-GB").new_page()


def _publish(page: Any, live: LiveServer) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Policies", exact=True).click()
    page.get_by_role("link", name="Add a policy").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Owner").fill("Designated Safeguarding Lead")
    page.get_by_label("All staff").check()
    page.get_by_label("Days to acknowledge").fill("10")
    page.get_by_label("Review by").fill("2027-09-01")
    page.get_by_label("Version", exact=True).fill("1.0")
    page.get_by_label("Effective from").fill(live.now().date().isoformat())
    page.get_by_label("Write or paste it as Markdown").check()
    page.get_by_label("Policy text (Markdown)").fill(TEXT)
    page.get_by_role("button", name="Publish policy").click()
    expect(page.get_by_text(f"'{TITLE}' version 1.0 published.")).to_be_visible()


def _acknowledge(page: Any, version: str) -> None:
    page.goto("/training")
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=TITLE))
    expect(card).to_contain_text("Due")
    card.get_by_role("link", name=re.compile("^Read and acknowledge")).click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(page.locator(".prose strong", has_text="online")).to_be_visible()
    page.get_by_label(f"I have read and understood {TITLE}, version {version}").check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text(f"you have acknowledged {TITLE}, version {version}")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=TITLE))).to_contain_text(
        "Acknowledged")


def _dsl_sees(page: Any, staff: Person, status: str, tmp_path: Path) -> None:
    page.goto("/dsl/")
    page.get_by_label("Name or email").fill(staff.email)
    page.get_by_role("button", name="Show", exact=True).click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Readwell, Priya"))
    expect(row).to_contain_text(status)
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("^Download CSV")).click()
    info.value.save_as(tmp_path / "matrix.csv")
    rows = list(csv.DictReader((tmp_path / "matrix.csv").read_text(encoding="utf-8-sig").splitlines()))
    line = next(r for r in rows if r["Email"] == staff.email)
    assert line[f"{TITLE}: status"] == status


def test_a_policy_is_published_read_acknowledged_shown_and_asked_again(
        browser: Any, page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    live = live_server
    admin = live.add_person("admin", school=None, group=None)
    staff = live.add_person("staff", school="School A", first_name="Priya", last_name="Readwell")
    dsl = live.add_person("dsl", school="School A", group=None)

    sign_in(page, admin)
    _publish(page, live)

    staff_page = _new_page(browser, live)
    sign_in(staff_page, staff)
    staff_page.goto("/training")
    expect(staff_page.get_by_role("heading", name="To read")).to_be_visible()
    staff_page.get_by_role("link", name=TITLE, exact=True).click()
    check_accessibility(staff_page, "the policy page")
    _acknowledge(staff_page, "1.0")

    dsl_page = _new_page(browser, live)
    sign_in(dsl_page, dsl)
    _dsl_sees(dsl_page, staff, "Acknowledged", tmp_path)

    page.goto("/admin/policies")
    page.get_by_role("link", name=f"New version of {TITLE}").click()
    page.get_by_label("Version", exact=True).fill("2.0")
    page.get_by_label("Effective from").fill(live.now().date().isoformat())
    page.get_by_label("Write or paste it as Markdown").check()
    page.get_by_label("Policy text (Markdown)").fill(TEXT + "- Report within the hour\n")
    page.get_by_label("Yes: everyone must read and acknowledge it again").check()
    page.get_by_label("Version note").fill("Reports are now due within the hour.")
    page.get_by_role("button", name="Publish version").click()
    expect(page.get_by_text(f"'{TITLE}' version 2.0 published.")).to_be_visible()

    staff_page.goto("/training")
    card = staff_page.get_by_role("listitem").filter(has=staff_page.get_by_role("heading", name=TITLE))
    expect(card).to_contain_text("Due")
    expect(card).to_contain_text("Version 2.0")
    _dsl_sees(dsl_page, staff, "Due", tmp_path)
    _acknowledge(staff_page, "2.0")
    _pack_has_receipts(dsl_page, live, tmp_path)
    for extra in (staff_page, dsl_page):
        extra.context.close()


def _pack_has_receipts(page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    page.goto("/dsl/")
    build_and_download_pack(page, live_server, tmp_path / "pack.zip")
    with zipfile.ZipFile(tmp_path / "pack.zip") as archive:
        [receipts] = [n for n in archive.namelist() if n.endswith("/policy-acknowledgements.pdf")]
        pdf = PdfReader(io.BytesIO(archive.read(receipts)))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages)
    assert "Priya Readwell" in text and text.count(TITLE) == 2, text
    assert "Version 1.0, read and acknowledged" in text and "Version 2.0, read and acknowledged" in text
