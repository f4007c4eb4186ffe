"""Training done elsewhere, for the person: their records, recording one, and the evidence behind each."""
from __future__ import annotations

from typing import TypeVar

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from ...audit import record as audit
from ...config import now
from ...extensions import db
from ...models import EvidenceFile, ExternalTraining, User
from ...training.queries import course_choices, records_of
from ...training.records import TrainingRefused, check_details, record_training, store_evidence
from ..permissions import SIGNED_IN, allow, can_see_person
from . import bp
from .forms import EVIDENCE_HINT, REQUEST_LIMIT, TrainingForm, show_refusal

FormT = TypeVar("FormT", bound=TrainingForm)


def training_form(form_class: type[FormT]) -> FormT:
    """The form with its course list; uploads up to the evidence limit are read (bigger ones get the 413 page)."""
    request.max_content_length = REQUEST_LIMIT
    form = form_class()
    form.set_courses(course_choices(db.session))
    return form


def save_record(form: TrainingForm, person: User) -> ExternalTraining | None:
    """Store the checked evidence and the record, or put the domain's refusal on its field (nothing stored)."""
    moment, details = now(), form.details()
    try:
        check_details(db.session, details, moment.date())  # before anything is stored
    except TrainingRefused as refused:
        show_refusal(form, refused)
        return None
    evidence = store_evidence(db.session, form.checked, current_user, moment) if form.checked else None
    return record_training(db.session, person, details, evidence, current_user, moment)


@bp.route("/training-elsewhere")
@allow(SIGNED_IN)
def mine() -> str:
    """The person's records of training done elsewhere, with each one's state and any reason for rejecting it."""
    return render_template("external/mine.html", records=records_of(db.session, current_user.id))


@bp.route("/training-elsewhere/new", methods=["GET", "POST"])
@allow(SIGNED_IN)
def new() -> str | BaseResponse:
    """Record training done elsewhere, with its evidence, for a DSL to approve."""
    form = training_form(TrainingForm)
    if form.validate_on_submit() and save_record(form, current_user):
        flash("Saved. Your DSL will check it; it counts once approved.", "success")
        return redirect(url_for("external.mine"))
    return render_template("external/form.html", form=form, person=None, evidence_hint=EVIDENCE_HINT,
                           heading="Record training done elsewhere")


@bp.route("/training-elsewhere/<int:record_id>/evidence")
@allow(SIGNED_IN)
def evidence(record_id: int) -> Response:
    """The evidence file, as a download: to its owner, their school's DSL and admins only."""
    row = db.session.get(ExternalTraining, record_id)
    if row is None or row.evidence_id is None or not can_see_person(current_user, row.user):
        abort(404)
    stored = db.session.get(EvidenceFile, row.evidence_id)
    if stored is None:
        abort(404)
    audit(db.session, current_user, "external.evidence_download", f"external:{row.id}", subject=row.user_id,
          sha256=stored.sha256)
    # The name is built from the record's id and the checked type: the uploaded name is never used.
    name = f"evidence-{row.id}.{stored.extension}"
    return Response(stored.data, mimetype=stored.content_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox"})
