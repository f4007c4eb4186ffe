"""The evidence pack (one ZIP, built by the worker) and one person's training record (one PDF), for DSLs and admins."""
from __future__ import annotations

from datetime import date

from flask import Response, current_app, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from ..audit import record
from ..compliance.asat import as_at
from ..compliance.exports import file_name, slug
from ..compliance.person import person_record
from ..compliance.policy_columns import person_policies
from ..compliance.requirements import load_requirements
from ..config import now
from ..extensions import db
from ..jobs.bulk import files_dir, start_job
from ..models import JobKind, JobState, OrgSettings, Role, User
from ..policies.acknowledge import history as acknowledgement_history
from ..policies.standing import load_book
from ..training.ledger import cpd_ledger
from ..training.pack_job import pack_params, pack_path
from ..training.queries import records_of
from ..training.record_pdf import record_pdf
from .dsl import bp, filter_view
from .forms import ConfirmForm
from .job_pages import job_for_viewer, progress_context, status_json
from .permissions import allow, require_person


@bp.route("/evidence-pack", methods=["POST"])
@allow(Role.DSL, Role.ADMIN)
def evidence_pack() -> BaseResponse:
    """Record a job to build everything an inspector asks for, for the current filters and day; show its progress."""
    view = filter_view()
    if view.matrix_filter is None or not ConfirmForm().validate_on_submit():
        return redirect(url_for("dsl.dashboard", **request.args.to_dict()))  # type: ignore[arg-type]  # query args
    f = view.matrix_filter
    school_id = f.scope_school_id if f.restricted else f.school_id
    filters = "; ".join(f"{a}: {b}" for a, b in view.described())
    params = pack_params(f, view.when.day, view.scope, filters, current_user.full_name,
                         f"school:{school_id}" if school_id else "all-schools",
                         file_name(view.scope, view.when.day, "csv").removesuffix(".csv"))
    job = start_job(db.session, JobKind.EVIDENCE_PACK, current_user, school_id, params)
    return redirect(url_for("dsl.evidence_pack_progress", job_id=job.id))


@bp.route("/evidence-pack/<int:job_id>")
@allow(Role.DSL, Role.ADMIN)
def evidence_pack_progress(job_id: int) -> str:
    """How the pack's build is going, then the link to download it (or why it failed)."""
    job = job_for_viewer(job_id, JobKind.EVIDENCE_PACK)
    return render_template("dsl/evidence_pack.html", **progress_context(job), day=date.fromisoformat(job.params["day"]))


@bp.route("/evidence-pack/<int:job_id>/status")
@allow(Role.DSL, Role.ADMIN)
def evidence_pack_status(job_id: int) -> BaseResponse:
    """The same as JSON, for the page's script."""
    return jsonify(status_json(job_for_viewer(job_id, JobKind.EVIDENCE_PACK)))


@bp.route("/evidence-pack/<int:job_id>/download")
@allow(Role.DSL, Role.ADMIN)
def evidence_pack_download(job_id: int) -> BaseResponse:
    """The built ZIP, streamed from its file; back to the progress page while it is not ready."""
    job = job_for_viewer(job_id, JobKind.EVIDENCE_PACK)
    path = pack_path(files_dir(current_app), job) if job.file_token else None
    if job.state != JobState.READY.value or path is None or not path.is_file():
        return redirect(url_for("dsl.evidence_pack_progress", job_id=job.id))
    response = send_file(path, mimetype="application/zip", conditional=False, etag=False)
    response.headers["Content-Disposition"] = f'attachment; filename="{job.file_name}"'  # as the pack always was
    return response


@bp.route("/people/<int:person_id>/training-record.pdf")
@allow(Role.DSL, Role.ADMIN)
def person_record_pdf(person_id: int) -> Response:
    """The person page as one PDF: courses, policies, certificates, training done elsewhere, CPD and history."""
    person = require_person(current_user, db.session.get(User, person_id))
    moment = now()
    try:
        day = min(date.fromisoformat(request.args.get("as_at", "")), moment.date())
    except ValueError:
        day = moment.date()
    when = as_at(day, moment, OrgSettings.current(db.session).due_soon_days)
    data = person_record(db.session, person, when, load_requirements(db.session))
    policies = person_policies(db.session, load_book(db.session), person, when)
    # Acknowledgements made by the end of the day looked at, as the page's policy statuses are.
    acknowledged = [a for a in acknowledgement_history(db.session, person.id) if a.at < when.cutoff]
    pdf = record_pdf(data, records_of(db.session, person.id), cpd_ledger(db.session, person.id), when,
                     current_user.full_name, moment, policies, acknowledged)
    record(db.session, current_user, "person.training_record", f"user:{person.id}", subject=person,
           as_at=day.isoformat())
    name = f"training-record_{slug(person.last_name)}-{slug(person.first_name)}_{day.isoformat()}.pdf"
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})
