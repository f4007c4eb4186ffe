"""The evidence pack as a job: its progress page, who may follow it, a failure in plain words, and expiry."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.jobs.bulk import files_dir
from quizapp.jobs.daily import expire_job_files
from quizapp.models import AuditEvent, BulkJob, JobState, User
from quizapp.people.erasure import anonymise, erase_now

from ..conftest import sign_in
from .dsl_helpers import build_pack


def _job(app: Flask) -> BulkJob:
    with app.app_context():
        return db.session.scalars(select(BulkJob).order_by(BulkJob.id.desc())).first()


def test_the_page_says_how_far_the_build_has_got_and_works_without_a_script(app, client, world, clock) -> None:
    sign_in(client, world["dsl_email"])
    build_pack(client)
    job = _job(app)
    with app.app_context():  # as a worker part-way through would leave it
        row = db.session.get(BulkJob, job.id)
        row.state, row.done, row.total = JobState.RUNNING.value, 1, 4
        db.session.commit()
    page = client.get(f"/dsl/evidence-pack/{job.id}").get_data(as_text=True)
    assert "<h1" in page and "Evidence pack</h1>" in page
    assert 'role="status" aria-live="polite">Building: 1 of 4 people.</p>' in page
    assert "reload it to see the latest" in page and 'data-when-ready hidden' in page
    assert client.get(f"/dsl/evidence-pack/{job.id}/download").headers["Location"].endswith(
        f"/dsl/evidence-pack/{job.id}")  # not ready yet: back to the page
    status = client.get(f"/dsl/evidence-pack/{job.id}/status").get_json()
    assert status == {"state": "running", "done": 1, "total": 4, "finished": False,
                      "text": "Building: 1 of 4 people."}


def test_another_schools_dsl_gets_404_and_an_admin_may_follow_it(app, client, world, clock) -> None:
    sign_in(client, world["dsl_email"])
    build_pack(client)
    job = _job(app)
    other = app.test_client()
    sign_in(other, world["other_dsl_email"])
    for suffix in ("", "/status", "/download"):
        assert other.get(f"/dsl/evidence-pack/{job.id}{suffix}").status_code == 404
    admin = app.test_client()
    sign_in(admin, world["admin_email"])
    assert admin.get(f"/dsl/evidence-pack/{job.id}/download").status_code == 200


def test_a_build_that_fails_says_so_in_plain_words_and_leaves_no_file(app, client, world, clock,
                                                                       tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the packs should go")
    app.config["JOB_FILES_DIR"] = str(blocker / "packs")  # the worker cannot create it
    sign_in(client, world["dsl_email"])
    page, download = build_pack(client)
    assert "This could not be done. Something went wrong while doing this, and nothing was changed." in page
    assert 'data-when-ready hidden' in page and "reload it" not in page
    assert download.status_code == 302
    job = _job(app)
    assert job.state == "failed" and job.finished_at is not None and job.file_size is None
    with app.app_context():  # no export is recorded for a pack nobody got
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "compliance.evidence_pack")).all() == []


def test_the_daily_job_removes_packs_after_a_day(app, client, world, clock) -> None:
    sign_in(client, world["dsl_email"])
    _, download = build_pack(client)
    assert zipfile.ZipFile(io.BytesIO(download.data)).testzip() is None
    job = _job(app)
    with app.app_context():
        path = files_dir(app) / f"{job.file_token}.zip"
        assert path.is_file() and len(job.file_token) >= 32
        assert expire_job_files(db.session, clock.advance(hours=23)) == "Removed 0 job files older than a day."
        assert expire_job_files(db.session, clock.advance(hours=2)) == "Removed 1 job file older than a day."
        db.session.commit()
        assert not path.exists()
    assert _job(app).state == "expired"
    sign_in(client, world["dsl_email"])  # a day on, the sign-in has run out
    page = client.get(f"/dsl/evidence-pack/{job.id}").get_data(as_text=True)
    assert "This file was removed a day after it was built." in page
    assert client.get(f"/dsl/evidence-pack/{job.id}/download").status_code == 302


def test_a_job_left_running_by_a_killed_worker_is_failed_after_a_day(app, client, world, clock) -> None:
    sign_in(client, world["dsl_email"])
    build_pack(client)
    job = _job(app)
    with app.app_context():
        db.session.get(BulkJob, job.id).state = JobState.RUNNING.value
        db.session.commit()
        part = files_dir(app) / f"{job.file_token}.part"
        part.write_bytes(b"half a pack")
        expire_job_files(db.session, clock.advance(hours=25))
        db.session.commit()
        assert not part.exists() and not part.with_suffix(".zip").exists()
        assert db.session.get(BulkJob, job.id).file_token is None  # so the next day's run does not look again
    sign_in(client, world["dsl_email"])
    page = client.get(f"/dsl/evidence-pack/{job.id}").get_data(as_text=True)
    assert "This could not be done. The worker stopped before finishing this, and nothing was changed." in page


def _dsl(world) -> User:
    return db.session.scalars(select(User).where(User.email == world["dsl_email"])).one()


def _built_pack(app: Flask, client, world) -> tuple[BulkJob, Path]:
    sign_in(client, world["dsl_email"])
    build_pack(client)
    job = _job(app)
    return job, files_dir(app) / f"{job.file_token}.zip"


def test_erasing_who_built_a_pack_withdraws_its_file_at_once(app, client, world, clock) -> None:
    job, path = _built_pack(app, client, world)
    with app.app_context():
        admin = db.session.scalars(select(User).where(User.email == world["admin_email"])).one()
        anonymise(db.session, _dsl(world), clock.now)
        db.session.rollback()  # an erasure that does not commit withdraws nothing
        assert path.is_file() and db.session.get(BulkJob, job.id).state == "ready"
        result = erase_now(db.session, _dsl(world), admin, "Left the school and asked", clock.now)
        assert result.counts["evidence pack files withdrawn"] == 1
        assert path.is_file()  # until the erasure commits
        db.session.commit()
        assert not path.exists()
    assert _job(app).state == "expired"
    other = app.test_client()
    sign_in(other, world["admin_email"])
    assert other.get(f"/dsl/evidence-pack/{job.id}/download").status_code == 302
    page = other.get(f"/dsl/evidence-pack/{job.id}").get_data(as_text=True)
    assert "This file was removed when the records of the person who built it were erased." in page


def test_the_daily_run_removes_a_withdrawn_file_a_crash_left_behind(app, client, world, clock) -> None:
    job, path = _built_pack(app, client, world)
    with app.app_context():
        db.session.get(BulkJob, job.id).state = JobState.EXPIRED.value  # committed, but its file never deleted
        db.session.commit()
        assert path.is_file()
        expire_job_files(db.session, clock.now)
        db.session.commit()
        assert not path.exists() and db.session.get(BulkJob, job.id).file_token is None
