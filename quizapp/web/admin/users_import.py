"""Admin screen: CSV bulk import of people (template, upload and preview, confirm all-or-nothing)."""
from __future__ import annotations

from flask import Response, current_app, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as BaseResponse

from ...config import now
from ...extensions import db
from ...jobs.bulk import start_job
from ...models import JobKind, JobState, Role
from ...people.csv_apply import PayloadError, apply, read_payload, sign_payload
from ...people.csv_import import COLUMNS, MAX_BYTES, MAX_ROWS, ImportRefused, ParsedFile, Preview, check, preview
from ...people.import_job import import_params
from ...people.users import without_password
from ..job_pages import job_for_viewer, progress_context, status_json
from ..permissions import allow
from . import bp
from .users_forms import ConfirmImportForm, ImportForm, InviteManyForm

TEMPLATE_NAME = "people-import-template.csv"


@bp.route("/users/import/template.csv")
@allow(Role.ADMIN)
def users_import_template() -> Response:
    """The header row to fill in (UTF-8 with a BOM, so Excel shows accented names properly)."""
    return Response("\ufeff" + ",".join(COLUMNS) + "\r\n", mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{TEMPLATE_NAME}"'})


def _preview_page(parsed: ParsedFile, result: Preview, filename: str, notice: str | None = None,
                  status: int = 200) -> tuple[str, int]:
    payload = ""
    if result.ok:
        try:
            payload = sign_payload(current_app.config["SECRET_KEY"], parsed, result, current_user, filename, now())
        except PayloadError as exc:
            notice = str(exc)
    return render_template("admin/users_import_preview.html", preview=result, filename=filename, notice=notice,
                           confirm_form=ConfirmImportForm(payload=payload), can_apply=bool(payload)), status


@bp.route("/users/import", methods=["GET", "POST"])
@allow(Role.ADMIN)
def users_import() -> str | tuple[str, int]:
    """Upload a CSV file and see every problem, and what would be created or updated, before anything changes."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        filename = (upload.filename or "upload.csv")[:200]
        try:
            parsed, result = preview(db.session, upload.read(MAX_BYTES + 1), current_user)
        except ImportRefused as exc:
            form.file.errors = [*form.file.errors, str(exc)]
        else:
            return _preview_page(parsed, result, filename)
    return render_template("admin/users_import.html", form=form, columns=COLUMNS, max_rows=MAX_ROWS)


@bp.route("/users/import/confirm", methods=["POST"])
@allow(Role.ADMIN)
def users_import_confirm() -> str | tuple[str, int] | BaseResponse:
    """Apply the previewed rows, all or nothing, after checking them again against the database."""
    form = ConfirmImportForm()
    try:
        if not form.validate_on_submit():
            raise PayloadError("The confirmation was incomplete. Upload the file again.")
        parsed, digest, filename = read_payload(current_app.config["SECRET_KEY"], form.payload.data or "",
                                                current_user, now())
    except PayloadError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.users_import"))
    if len(parsed.rows) > int(current_app.config.get("IMPORT_JOB_ROWS") or 200):
        # A large file is checked again and applied by the worker, in one transaction, while a page shows progress.
        job = start_job(db.session, JobKind.PEOPLE_IMPORT, current_user, None,
                        import_params(parsed, digest, filename), total=len(parsed.rows))
        return redirect(url_for("admin.users_import_progress", job_id=job.id))
    result = check(db.session, parsed, current_user)
    if not result.ok or result.digest() != digest:
        return _preview_page(parsed, result, filename, status=409, notice=(
            "People changed since your preview, so nothing was imported. Check this new preview and confirm again."))
    try:
        done = apply(db.session, result, current_user, filename)
    except IntegrityError:
        db.session.rollback()
        return _preview_page(parsed, check(db.session, parsed, current_user), filename, status=409, notice=(
            "Someone else added some of these people at the same moment, so nothing was imported. Check again."))
    ids = [user.id for user in done.created] + [row.user_id for row in result.planned if row.user_id]
    return _done_page({"created": len(done.created), "updated": done.updated, "unchanged": done.unchanged},
                      filename, ids)


def _done_page(counts: dict[str, int], filename: str, ids: list[int]) -> str:
    pending = without_password(db.session, ids)
    return render_template("admin/users_import_done.html", counts=counts, filename=filename, pending=len(pending),
                           invite_form=InviteManyForm(user_ids=",".join(str(user.id) for user in pending)))


@bp.route("/users/import/runs/<int:job_id>")
@allow(Role.ADMIN)
def users_import_progress(job_id: int) -> str:
    """How a large import is going; once applied, what it did (or the row and field that stopped it)."""
    job = job_for_viewer(job_id, JobKind.PEOPLE_IMPORT)
    filename = str(job.params.get("filename", ""))
    if job.state == JobState.READY.value:
        return _done_page(job.result, filename, list(job.result.get("user_ids", [])))
    return render_template("admin/users_import_progress.html", **progress_context(job), filename=filename)


@bp.route("/users/import/runs/<int:job_id>/status")
@allow(Role.ADMIN)
def users_import_status(job_id: int) -> Response:
    """The same as JSON, for the page's script."""
    return jsonify(status_json(job_for_viewer(job_id, JobKind.PEOPLE_IMPORT)))
