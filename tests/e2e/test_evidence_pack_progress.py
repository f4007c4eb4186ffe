"""Bulk jobs in the browser: build the evidence pack from the DSL dashboard and download it; a large import."""
from __future__ import annotations

import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import LiveServer, build_and_download_pack, check_accessibility, sign_in

pytestmark = pytest.mark.e2e


def test_a_dsl_builds_the_pack_and_downloads_it_once_ready(page: Any, live_server: LiveServer,
                                                          tmp_path: Path) -> None:
    school, group = f"School {uuid.uuid4().hex[:6]}", f"Group {uuid.uuid4().hex[:6]}"
    # No course of its own: other browser tests share this server and read the dashboard's first column.
    staff = [live_server.add_person(school=school, group=group) for _ in range(3)]
    dsl = live_server.add_person("dsl", school=school, group=None)
    sign_in(page, dsl)
    page.goto("/dsl/")
    check_accessibility(page, "compliance dashboard with the build button")
    pack = build_and_download_pack(page, live_server, tmp_path / "pack.zip", check=True)
    assert page.get_by_role("heading", level=1).inner_text() == "Evidence pack"
    with zipfile.ZipFile(pack) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        [export] = [n for n in names if n.endswith(".csv")]
        text = archive.read(export).decode("utf-8-sig")
    assert "summary.pdf" in names and all(person.email in text for person in staff)


def test_a_large_import_follows_its_job_and_the_page_says_what_was_done(page: Any, live_server: LiveServer,
                                                                       tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from quizapp.jobs.bulk import run_job
    from quizapp.models import BulkJob

    tag = uuid.uuid4().hex[:8]
    rows = 201  # one more than the default limit for applying in the request
    upload = tmp_path / "people.csv"
    upload.write_text("email,first_name,last_name\r\n" + "".join(
        f"import-{tag}-{n}@example.org,Imported,Person {n}\r\n" for n in range(rows)), encoding="utf-8")
    sign_in(page, live_server.add_person("admin", school=None, group=None))
    page.goto("/admin/users/import")
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_role("status")).to_contain_text("Waiting to start")
    check_accessibility(page, "large import, waiting for the worker")
    with live_server.session() as session:
        job_id = session.scalar(select(func.max(BulkJob.id)))
    assert run_job(live_server.app, job_id) == "ready"  # as the worker's task would
    expect(page.get_by_role("heading", level=1)).to_have_text("Import complete", timeout=15000)  # the script reloads
    expect(page.get_by_role("status")).to_contain_text(f"added {rows}, updated 0, unchanged 0")
    check_accessibility(page, "large import, done")
