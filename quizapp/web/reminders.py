"""Sending reminders from the DSL dashboard: a preview of who would be e-mailed, then a confirmed send."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from ..audit import record
from ..config import base_url, now
from ..extensions import db
from ..models import OrgSettings, OutboxBatch, Role, School
from ..notify.outbox import batch_progress
from ..notify.reminder_queue import send_plan
from ..notify.reminders import plan_reminders, planned_summary
from .forms import ConfirmForm
from .permissions import allow

bp = Blueprint("reminders", __name__, url_prefix="/dsl/reminders")


def _school_scope(raw: str | None) -> tuple[int | None, bool]:
    """(school id or None for all, whether this person may send): a DSL only ever gets their own school."""
    if current_user.role == Role.DSL.value:
        return current_user.school_id, current_user.school_id is not None
    school_id = int(raw) if raw and raw.isdigit() else None
    if school_id is not None and db.session.get(School, school_id) is None:
        abort(404)
    return school_id, True


@bp.route("/", methods=["GET"])
@allow(Role.DSL, Role.ADMIN)
def confirm() -> str:
    """Who would be reminded now, with a button to send (DSLs see their own school only)."""
    school_id, may_send = _school_scope(request.args.get("school"))
    due_soon_days = OrgSettings.current(db.session).due_soon_days
    plan = plan_reminders(db.session, now(), due_soon_days, school_id, with_digests=False)
    schools = (db.session.scalars(select(School).order_by(func.lower(School.name))).all()
               if current_user.role == Role.ADMIN.value else [])
    return render_template("reminders/confirm.html", plan=plan, summary=planned_summary(plan), may_send=may_send,
                           school_id=school_id, schools=schools, form=ConfirmForm())


@bp.route("/", methods=["POST"])
@allow(Role.DSL, Role.ADMIN)
def send() -> Response:
    """Queue the reminders shown on the preview (each course at most once a week per person), then show progress."""
    school_id, may_send = _school_scope(request.form.get("school"))
    if not may_send:
        abort(403)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("reminders.confirm", school=school_id or None))
    moment = now()
    settings = OrgSettings.current(db.session)
    plan = plan_reminders(db.session, moment, settings.due_soon_days, school_id, with_digests=False)
    batch = OutboxBatch(kind="reminders", school_id=school_id, created_by_id=current_user.id, created_at=moment)
    db.session.add(batch)
    db.session.flush()
    summary = send_plan(db.session, plan, now=moment, base_url=base_url(), org=settings.org_name, batch=batch)
    record(db.session, current_user, "reminders.send", f"school:{school_id or 'all'}",
           learners=summary.learners, courses=summary.courses, failed=len(summary.failures), batch=batch.id)
    return redirect(url_for("reminders.progress", batch_id=batch.id))


def _batch(batch_id: int) -> OutboxBatch:
    """A batch of reminders this person may follow: an admin any, a DSL only their own school's."""
    batch = db.session.get(OutboxBatch, batch_id)
    if batch is None or batch.kind != "reminders":
        abort(404)
    if current_user.role == Role.DSL.value and (batch.school_id is None
                                                 or batch.school_id != current_user.school_id):
        abort(404)
    return batch


@bp.route("/runs/<int:batch_id>", methods=["GET"])
@allow(Role.DSL, Role.ADMIN)
def progress(batch_id: int) -> str:
    """How a "Send reminders now" is going: sent, waiting and failed, with the failures by person."""
    batch = _batch(batch_id)
    return render_template("reminders/progress.html", batch=batch, progress=batch_progress(db.session, batch.id))


@bp.route("/runs/<int:batch_id>/status", methods=["GET"])
@allow(Role.DSL, Role.ADMIN)
def progress_status(batch_id: int) -> Response:
    """The same figures as JSON, for the progress page's script."""
    batch = _batch(batch_id)
    return jsonify(batch_progress(db.session, batch.id).as_dict())
