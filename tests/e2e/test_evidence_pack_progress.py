"""The evidence pack in the browser: build it from the DSL dashboard, follow its progress, download it."""
from __future__ import annotations

import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest

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
