"""Large CSV imports: confirmed by a job with a progress page, still all-or-nothing; small files as before."""
from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.jobs.bulk import live_key
from quizapp.jobs.queue import get_huey
from quizapp.models import AuditEvent, BulkJob, School, User
from quizapp.people.csv_import import preview
from quizapp.people.import_job import import_params, run_import

from ..conftest import sign_in
from .test_csv_import import HEADER, _count, _payload, _rows, _upload


@pytest.fixture()
def admin(client: FlaskClient, people: dict) -> FlaskClient:
    """The client, signed in as an admin."""
    sign_in(client, people["admin_email"])
    return client


def _rows_csv(count: int, school: str = "") -> str:
    return HEADER + "".join(f"bulk{n}@example.org,Bulk,Person {n},,{school},,\r\n" for n in range(count))


def _jobs(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(BulkJob)) or 0


def test_the_setting_defaults_to_200_rows(app: Flask) -> None:
    assert app.config["IMPORT_JOB_ROWS"] == 200


def test_a_large_file_is_applied_by_a_job_and_its_page_says_what_was_done(app: Flask, admin: FlaskClient) -> None:
    app.config["IMPORT_JOB_ROWS"] = 3
    before = _count(app)
    html = _upload(admin, _rows_csv(5)).get_data(as_text=True)
    confirmed = admin.post("/admin/users/import/confirm", data={"payload": _payload(html)})
    assert confirmed.status_code == 302 and "/admin/users/import/runs/" in confirmed.headers["Location"]
    page = admin.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "Import complete" in page and "added 5, updated 0, unchanged 0" in page
    assert "5 people from this file have no password yet." in page
    assert _count(app) == before + 5
    with app.app_context():
        job = db.session.scalars(select(BulkJob)).one()
        assert (job.kind, job.state, job.done, job.total) == ("people_import", "ready", 5, 5)
        assert "rows" not in job.params and job.params["filename"]  # the names and addresses, once applied, go
        assert get_huey(app).get(live_key(job.id), peek=True) is None  # the worker's count, told then dropped
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.import")).details["created"] == 5
    status = admin.get(confirmed.headers["Location"] + "/status").get_json()
    assert status["finished"] and status["text"] == "Ready."


def test_a_file_at_the_limit_is_still_applied_in_the_request(app: Flask, admin: FlaskClient) -> None:
    app.config["IMPORT_JOB_ROWS"] = 3
    html = _upload(admin, _rows_csv(3)).get_data(as_text=True)
    done = admin.post("/admin/users/import/confirm", data={"payload": _payload(html)})
    assert done.status_code == 200 and "added 3" in done.get_data(as_text=True) and _jobs(app) == 0


def test_a_row_that_went_bad_since_the_preview_stops_the_job_and_nothing_is_applied(
        app: Flask, admin: FlaskClient) -> None:
    app.config["IMPORT_JOB_ROWS"] = 3
    before = _count(app)
    html = _upload(admin, _rows_csv(4) + "late@example.org,Late,Row,,School A,,\r\n").get_data(as_text=True)
    with app.app_context():  # the school the last row names is renamed before the worker applies the file
        db.session.scalar(select(School).where(School.name == "School A")).name = "Renamed school"
        db.session.commit()
    confirmed = admin.post("/admin/users/import/confirm", data={"payload": _payload(html)})
    page = admin.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "Nothing was imported</h1>" in page
    assert 'aria-live="polite">This could not be done. Nothing was imported: row 6, school: ' in page
    [(row, column, _)] = _rows(page)
    assert (row, column) == ("6", "school")
    assert _count(app) == before  # not even the four good rows
    with app.app_context():
        assert db.session.scalars(select(BulkJob.state)).one() == "failed"
        assert "rows" not in db.session.scalars(select(BulkJob)).one().params
        assert db.session.scalar(select(User).where(User.email == "bulk0@example.org")) is None


def test_an_import_page_is_open_to_admins_only(app: Flask, admin: FlaskClient, people: dict) -> None:
    app.config["IMPORT_JOB_ROWS"] = 3
    html = _upload(admin, _rows_csv(4)).get_data(as_text=True)
    where = admin.post("/admin/users/import/confirm", data={"payload": _payload(html)}).headers["Location"]
    dsl = app.test_client()
    sign_in(dsl, people["dsl_email"])
    assert dsl.get(where).status_code == 403
    assert admin.get(where.replace("/runs/", "/runs/9")).status_code == 404


def test_the_worker_tells_the_rows_it_has_applied_and_commits_nothing_itself(app: Flask, people: dict) -> None:
    before = _count(app)
    with app.app_context():
        s = db.session
        actor = s.get(User, people["admin"])
        parsed, result = preview(s, _rows_csv(120).encode(), actor)
        job = BulkJob(kind="people_import", created_by_id=actor.id, total=120,
                      params=import_params(parsed, result.digest(), "people.csv"))
        s.add(job)
        s.flush()
        told: list[int] = []
        assert run_import(s, job, told.append)["created"] == 120
        assert told == [50, 100, 120]
        s.rollback()  # the caller's transaction: rolled back, none of it stays
    assert _count(app) == before


def test_a_running_import_shows_the_rows_the_worker_last_told(app: Flask, admin: FlaskClient, people: dict) -> None:
    with app.app_context():
        job = BulkJob(kind="people_import", state="running", created_by_id=people["admin"], total=300,
                      params={"filename": "people.csv"})
        db.session.add(job)
        db.session.commit()
        get_huey(app).put(live_key(job.id), 120)
    page = admin.get(f"/admin/users/import/runs/{job.id}").get_data(as_text=True)
    assert 'aria-live="polite">Importing: 120 of 300 rows.</p>' in page and 'value="120"' in page
    assert admin.get(f"/admin/users/import/runs/{job.id}/status").get_json()["done"] == 120
