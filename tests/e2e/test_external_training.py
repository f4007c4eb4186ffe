"""In Chromium: staff upload a certificate from elsewhere, the DSL approves it, the matrix shows it met, and the
evidence pack downloads with the expected names in its PDF."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from ..evidence_files import small_pdf
from ..factories import get_or_create_group
from .conftest import LiveServer, build_and_download_pack, check_accessibility, sign_in

pytestmark = pytest.mark.e2e
SCHOOL, GROUP, COURSE = "Elsewhere Academy", "Elsewhere support staff", "Prevent awareness (browser)"
TITLE = "County Prevent workshop"


def expect(target: Any) -> Any:
    """Playwright's auto-waiting assertions."""
    from playwright.sync_api import expect as pw_expect

    return pw_expect(target)


def _seed(live: LiveServer) -> tuple[Any, Any, int]:
    from quizapp.models import CourseRequirement

    staff = live.add_person("staff", school=SCHOOL, group=GROUP, first_name="Rowan", last_name="Abernethy")
    dsl = live.add_person("dsl", school=SCHOOL, group=GROUP, first_name="Dana", last_name="Lead")
    course_id = live.add_course(title=COURSE)
    with live.session() as session:
        session.add(CourseRequirement(course_id=course_id, staff_group_id=get_or_create_group(session, GROUP).id))
        session.commit()
    return staff, dsl, course_id


def _matrix_cell(page: Any, name: str) -> str:
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))
    return " ".join(row.get_by_role("cell").nth(1).inner_text().split())


def _record_as_staff(page: Any, live: LiveServer, staff: Any, tmp_path: Path) -> None:
    sign_in(page, staff)
    page.goto("/training")
    page.get_by_role("link", name="Record training done elsewhere").click()
    expect(page.get_by_role("heading", level=1, name="Record training done elsewhere")).to_be_visible()
    check_accessibility(page, "record training done elsewhere")
    evidence = tmp_path / "prevent-certificate.pdf"
    evidence.write_bytes(small_pdf("Rowan Abernethy attended the County Prevent workshop"))
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Provider").fill("County council")
    page.get_by_label("Date completed").fill((live.now() - timedelta(days=10)).date().isoformat())
    page.get_by_label("Hours").fill("2.5")
    page.get_by_label("Course it satisfies").select_option(label=COURSE)
    page.get_by_label("Evidence").set_input_files(str(evidence))
    page.get_by_role("button", name="Save training record").click()
    page.wait_for_url(re.compile(r"/training-elsewhere$"))
    expect(page.get_by_text("Waiting for approval")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()


def test_staff_upload_the_dsl_approves_and_the_pack_names_them(page: Any, live_server: LiveServer,
                                                                tmp_path: Path) -> None:
    staff, dsl, _course = _seed(live_server)
    _record_as_staff(page, live_server, staff, tmp_path)

    sign_in(page, dsl)
    page.goto("/dsl/")
    assert _matrix_cell(page, "Abernethy, Rowan").startswith("Not started")
    page.get_by_role("link", name="Training to approve").click()
    expect(page.get_by_role("heading", level=1, name="Training to approve")).to_be_visible()
    check_accessibility(page, "training to approve")
    with page.expect_download() as evidence_download:
        page.get_by_role("link", name=f"Download evidence {TITLE} for Rowan Abernethy").click()
    assert evidence_download.value.suggested_filename.endswith(".pdf")
    page.get_by_role("button", name=f"Approve {TITLE} for Rowan Abernethy").click()
    expect(page.get_by_text(f"Approved: {TITLE} for Rowan Abernethy.")).to_be_visible()

    page.get_by_role("link", name="Compliance").click()
    assert re.match(r"Compliant external until \d+ \w+ \d{4}$", _matrix_cell(page, "Abernethy, Rowan"))
    pack = build_and_download_pack(page, live_server, tmp_path / "pack.zip")
    with zipfile.ZipFile(pack) as archive:
        names = archive.namelist()
        summary = archive.read("summary.pdf")
        [evidence] = [n for n in names if "/training-elsewhere-" in n]
        assert archive.read(evidence).startswith(b"%PDF-")
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(summary)).pages)
    for expected in (SCHOOL, "Abernethy, Rowan", "Lead, Dana", COURSE, "Compliant (external)"):
        assert expected in text, f"{expected!r} is not in the evidence pack summary: {text!r}"
