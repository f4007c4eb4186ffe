"""The evidence pack as a bulk job: what the request records (filters, day, scope) and the worker's build.

The request resolves the filters exactly as the dashboard does and stores them; the worker rebuilds the same
rows, exports and summary from them and writes the ZIP to a file named by the job's random token.
"""
from __future__ import annotations

import os
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ..audit import record, record_export_subjects
from ..compliance.asat import as_at
from ..compliance.exports import ExportAbout, export_bytes, slug
from ..compliance.matrix import MatrixFilter, all_rows
from ..compliance.policy_columns import policy_columns, with_policies
from ..compliance.requirements import load_all_requirements
from ..compliance.summary import summarise
from ..models import BulkJob, OrgSettings, User
from ..policies.standing import PolicyBook
from .pack import PackInput, pack_stream

PEOPLE_PER_STEP = 100  # people per progress step: a few queries more than the streamed pack, a page that moves


def pack_params(f: MatrixFilter, day: date, scope: str, filters: str, made_by: str, target: str,
                export_name: str) -> dict[str, Any]:
    """What the worker needs to build the pack the person asked for, as JSON."""
    return {"filter": asdict(f), "day": day.isoformat(), "scope": scope, "filters": filters, "made_by": made_by,
            "target": target, "export_name": export_name,
            "file_name": f"evidence-pack_{slug(scope)}_{day.isoformat()}.zip"}


def pack_path(folder: Path, job: BulkJob) -> Path:
    """Where a job's ZIP is (or will be) kept."""
    if not job.file_token:
        raise ValueError("this job has no file")
    return folder / f"{job.file_token}.zip"


def _pack_input(session: Session, job: BulkJob, stamp: datetime) -> PackInput:
    params = job.params
    f = MatrixFilter(**params["filter"])
    reqs = load_all_requirements(session)
    when = as_at(date.fromisoformat(params["day"]), stamp, OrgSettings.current(session).due_soon_days)
    book = reqs.book or PolicyBook((), frozenset())
    rows = with_policies(session, all_rows(session, f, when, reqs), f, book, when)
    policies = policy_columns(f, book)
    courses = reqs.columns(f.course_id)
    about = ExportAbout(params["scope"], when.day, params["filters"], params["made_by"], stamp)
    pack = PackInput(scope=params["scope"], when=when, filters=params["filters"], made_by=params["made_by"],
                     stamp=stamp, rows=rows, courses=courses, summary=summarise(session, f, when, reqs),
                     csv=export_bytes("csv", rows, courses, policies, about)[0],
                     xlsx=export_bytes("xlsx", rows, courses, policies, about)[0],
                     export_name=params["export_name"], policies=policies)
    return pack


def build_pack(session: Session, job: BulkJob, folder: Path) -> int:
    """Write the job's ZIP (committing done of total between steps) and audit the export; the file's size."""
    stamp = job.created_at
    pack = _pack_input(session, job, stamp)
    job.total = len(pack.rows)
    session.commit()

    def step(done: int) -> None:
        job.done = done
        session.commit()

    target = pack_path(folder, job)
    folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    try:
        with partial.open("wb") as out:
            for chunk in pack_stream(session, pack, step, PEOPLE_PER_STEP):
                out.write(chunk)
        os.replace(partial, target)  # a download never sees half a file
    finally:
        partial.unlink(missing_ok=True)
    actor = session.get(User, job.created_by_id) if job.created_by_id else None
    params = job.params
    record(session, actor, "compliance.evidence_pack", params["target"], as_at=params["day"],
           filters=params["filters"], rows=len(pack.rows), job=job.id)
    record_export_subjects(session, actor, "compliance.evidence_pack.person", [r.person_id for r in pack.rows],
                           as_at=params["day"])
    return target.stat().st_size
