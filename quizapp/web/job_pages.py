"""What the progress pages of bulk jobs share: who may follow a job, and its state in plain words."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app
from flask_login import current_user

from ..extensions import db
from ..jobs.bulk import live_done
from ..models import BulkJob, JobKind, JobState, Role

NOUNS = {JobKind.EVIDENCE_PACK.value: ("Building", "people"), JobKind.PEOPLE_IMPORT.value: ("Importing", "rows")}


def job_for_viewer(job_id: int, kind: JobKind) -> BulkJob:
    """A job of this kind the person may see: an admin any, a DSL only their own school's (else 404)."""
    job = db.session.get(BulkJob, job_id)
    if job is None or job.kind != kind.value:
        abort(404)
    if current_user.role != Role.ADMIN.value and (job.school_id is None
                                                    or job.school_id != current_user.school_id):
        abort(404)
    return job


def status_words(job: BulkJob) -> str:
    """The job's state as the page says it: "Building: 120 of 400 people.", "Ready.", the failure."""
    verb, noun = NOUNS[job.kind]
    if job.state == JobState.QUEUED.value:
        return "Waiting to start: the worker will pick this up in a moment."
    if job.state == JobState.RUNNING.value:
        done = live_done(current_app, job)
        return f"{verb}: {done} of {job.total} {noun}." if job.total else f"{verb}: getting started."
    if job.state == JobState.READY.value:
        return "Ready."
    if job.state == JobState.EXPIRED.value:
        why = job.error or "This file was removed a day after it was built."
        return f"{why} Build it again to get today's figures."
    return f"This could not be done. {job.error or ''}".strip()


def status_json(job: BulkJob) -> dict[str, Any]:
    """The figures for the progress script."""
    done = live_done(current_app, job)
    return {"state": job.state, "done": done, "total": job.total, "finished": job.finished,
            "text": status_words(job)}


def progress_context(job: BulkJob) -> dict[str, Any]:
    """What jobs/_progress.html needs: the job, its words and how far it has got."""
    return {"job": job, "words": status_words(job), "done": live_done(current_app, job)}
