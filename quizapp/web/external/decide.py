"""Training done elsewhere, for DSLs and admins: the approval queue, recording for a person, group sessions."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...config import now
from ...extensions import db
from ...models import ExternalTraining, Role, User
from ...training.queries import awaiting
from ...training.records import TrainingRefused, approve, reject
from ..permissions import allow, require_person
from . import bp
from .forms import EVIDENCE_HINT, DecisionForm, TrainingForm
from .own import save_record, training_form


@bp.route("/dsl/training-elsewhere")
@allow(Role.DSL, Role.ADMIN)
def queue() -> str:
    """Records waiting for a decision: the DSL's own school's staff (everyone's, for an admin)."""
    return render_template("external/queue.html", records=awaiting(db.session, current_user), form=DecisionForm())


@bp.route("/dsl/training-elsewhere/<int:record_id>/decision", methods=["POST"])
@allow(Role.DSL, Role.ADMIN)
def decide(record_id: int) -> Response | tuple[str, int]:
    """Approve the record, or reject it with a reason; another school's record is a 404."""
    row = db.session.get(ExternalTraining, record_id)
    if row is None:
        abort(404)
    require_person(current_user, row.user)
    form = DecisionForm()
    choice = request.form.get("decision")
    if not form.validate_on_submit() or choice not in ("approve", "reject"):
        flash("Choose Approve or Reject.", "error")
        return redirect(url_for("external.queue"))
    try:
        if choice == "approve":
            approve(db.session, row, current_user, now())
        else:
            reject(db.session, row, current_user, form.reason.data or "", now())
    except TrainingRefused as refused:
        db.session.rollback()
        form.reason.errors = [refused.message]
        return render_template("external/queue.html", records=awaiting(db.session, current_user), form=form,
                               failed_id=row.id), 400
    flash(f"{'Approved' if choice == 'approve' else 'Rejected'}: {row.title} for {row.user.full_name}.", "success")
    return redirect(url_for("external.queue"))


@bp.route("/dsl/people/<int:person_id>/training-elsewhere/new", methods=["GET", "POST"])
@allow(Role.DSL, Role.ADMIN)
def new_for(person_id: int) -> str | Response:
    """Record training a member of the DSL's staff did elsewhere; it counts at once (the DSL is the approver)."""
    person = require_person(current_user, db.session.get(User, person_id))
    form = training_form(TrainingForm)
    form.evidence_required = False
    if person.id == current_user.id:
        return redirect(url_for("external.new"))
    if form.validate_on_submit():
        row = save_record(form, person)
        if row is not None:
            approve(db.session, row, current_user, now())
            flash(f"Saved and approved for {person.full_name}.", "success")
            return redirect(url_for("dsl.person", person_id=person.id))
    return render_template("external/form.html", form=form, person=person, evidence_hint=EVIDENCE_HINT,
                           heading=f"Record training done elsewhere for {person.full_name}")
