"""A group session recorded by a DSL: the attendees ticked from their staff list or listed in a CSV of e-mails."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...config import now
from ...extensions import db
from ...models import Role, User
from ...training.group import MAX_CSV_BYTES, GroupRefused, attendees_from_csv, record_group
from ...training.queries import staff_of
from ...training.records import TrainingRefused, check_details, store_evidence
from ..permissions import allow
from . import bp
from .forms import EVIDENCE_HINT, GroupForm, show_refusal
from .own import training_form


def _attendees(form: GroupForm, staff: list[User]) -> list[User] | None:
    """The ticked people and those the CSV lists, or None with the problems put on the form."""
    allowed = {person.id: person for person in staff}
    ticked = request.form.getlist("attendee")
    chosen = {int(v): allowed[int(v)] for v in ticked if v.isdigit() and int(v) in allowed}
    if len(chosen) != len(set(ticked)):
        form.form_errors.append("Attendees: choose people from the staff list.")
        return None
    upload = form.attendees_csv.data
    if upload and getattr(upload, "filename", ""):
        try:
            chosen |= {p.id: p for p in attendees_from_csv(upload.stream.read(MAX_CSV_BYTES + 1), staff)}
        except GroupRefused as refused:
            form.attendees_csv.errors = list(refused.problems)
            return None
    if not chosen:
        form.form_errors.append("Attendees: tick the people who attended, or upload a CSV of their e-mails.")
        return None
    return list(chosen.values())


@bp.route("/dsl/training-elsewhere/group", methods=["GET", "POST"])
@allow(Role.DSL, Role.ADMIN)
def group() -> str | Response:
    """Record one session many attended; each attendee gets an approved record (all or nothing)."""
    staff = list(staff_of(db.session, current_user))
    form = training_form(GroupForm)
    if form.validate_on_submit():
        attendees = _attendees(form, staff)
        moment, details = now(), form.details()
        try:
            check_details(db.session, details, moment.date())
        except TrainingRefused as refused:
            show_refusal(form, refused)
            attendees = None
        if attendees is not None:
            evidence = store_evidence(db.session, form.checked, current_user, moment) if form.checked else None
            rows = record_group(db.session, attendees, details, evidence, current_user, moment)
            flash(f"Recorded {details.title} for {len(rows)} {'person' if len(rows) == 1 else 'people'}.", "success")
            return redirect(url_for("external.queue"))
    ticked = set(request.form.getlist("attendee"))
    return render_template("external/group.html", form=form, staff=staff, ticked=ticked,
                           evidence_hint=EVIDENCE_HINT)
