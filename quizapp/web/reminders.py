"""Sending reminders from the DSL dashboard: a preview of who would be e-mailed, then a confirmed send."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from ..audit import record
from ..config import base_url, now
from ..extensions import db
from ..models import OrgSettings, Role, School
from ..notify.mail import settings_for
from ..notify.reminders import plan_reminders, planned_summary, send_plan
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
    """Send the reminders shown on the preview (each course at most once a week per person)."""
    school_id, may_send = _school_scope(request.form.get("school"))
    if not may_send:
        abort(403)
    if ConfirmForm().validate_on_submit():
        moment = now()
        settings = OrgSettings.current(db.session)
        plan = plan_reminders(db.session, moment, settings.due_soon_days, school_id, with_digests=False)
        summary = send_plan(db.session, plan, mail=settings_for(current_app), now=moment, base_url=base_url(),
                            org=settings.org_name)
        record(db.session, current_user, "reminders.send", f"school:{school_id or 'all'}",
               learners=summary.learners, courses=summary.courses, failed=len(summary.failures))
        flash(summary.describe(), "error" if summary.failures else "success")
        for email, problem in summary.failures[:10]:
            flash(f"Could not send to {email}: {problem}", "error")
    return redirect(url_for("reminders.confirm", school=school_id or None))
