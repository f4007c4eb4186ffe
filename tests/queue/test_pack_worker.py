"""Bulk jobs run by a real consumer: the evidence pack the request recorded, and a large import applied at once."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from html import unescape
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import AuditEvent, BulkJob, User

from ..conftest import sign_in
from ..factories import make_user
from .conftest import BOTH_STORAGES, Worker, staff_due, wait_for


def _job(app: Flask) -> BulkJob | None:
    with app.app_context():
        return db.session.scalars(select(BulkJob)).first()


@BOTH_STORAGES
def test_the_worker_builds_the_pack_the_request_recorded(queued_app: Flask, worker: Callable[..., Worker],
                                                         tmp_path: Path) -> None:
    folder = tmp_path / "job-files"
    queued_app.config["JOB_FILES_DIR"] = str(folder)
    due = staff_due(queued_app, 30)
    client = queued_app.test_client()
    sign_in(client, due["dsl_email"])
    posted = client.post("/dsl/evidence-pack")
    assert posted.status_code == 302
    page = client.get(posted.headers["Location"]).get_data(as_text=True)
    assert "Waiting to start" in page and "data-polling" in page  # no worker yet: nothing was built
    assert not folder.exists()
    worker(QUIZAPP_JOB_FILES_DIR=str(folder))
    wait_for(lambda: (job := _job(queued_app)) is not None and job.finished, 60, "the worker to build the pack")
    job = _job(queued_app)
    assert job is not None and (job.state, job.done, job.total) == ("ready", 31, 31)  # 30 staff and the DSL
    assert "Ready." in client.get(posted.headers["Location"]).get_data(as_text=True)
    download = client.get(posted.headers["Location"] + "/download")
    assert download.status_code == 200 and len(download.data) == job.file_size
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    assert archive.testzip() is None and "summary.pdf" in archive.namelist()
    [name] = [n for n in archive.namelist() if n.endswith(".csv")]
    emails = {row[2] for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))}
    assert set(due["emails"]) <= emails
    assert [p.name for p in folder.iterdir()] == [f"{job.file_token}.zip"]
    with queued_app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "compliance.evidence_pack")).one()
        assert event.details["rows"] == 31 and event.details["job"] == job.id


@BOTH_STORAGES
def test_the_worker_applies_a_large_import_all_together(queued_app: Flask, worker: Callable[..., Worker]) -> None:
    with queued_app.app_context():
        admin = make_user(db.session, "admin")
        db.session.commit()
        admin_email = admin.email
    client = queued_app.test_client()
    sign_in(client, admin_email)
    rows = "".join(f"queued{n}@example.org,Queued,Person {n}\r\n" for n in range(250))
    preview = client.post("/admin/users/import", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(f"email,first_name,last_name\r\n{rows}".encode()), "p.csv")})
    payload = unescape(re.search(r'name="payload" type="hidden" value="([^"]+)"', preview.get_data(as_text=True))[1])
    where = client.post("/admin/users/import/confirm", data={"payload": payload}).headers["Location"]
    assert "Waiting to start" in client.get(where).get_data(as_text=True)
    worker()
    wait_for(lambda: (job := _job(queued_app)) is not None and job.finished, 60, "the worker to apply the import")
    assert "added 250, updated 0, unchanged 0" in client.get(where).get_data(as_text=True)
    with queued_app.app_context():
        count = db.session.scalar(select(func.count()).select_from(User).where(User.email.like("queued%")))
        assert count == 250
