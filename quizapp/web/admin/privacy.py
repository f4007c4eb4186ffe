"""Admin screen: a person's data export and "Erase now"."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ...config import now
from ...extensions import db
from ...models import Role, User
from ...people.erasure import REASON_MAX, EraseRefused, erase_now, erase_preview, erase_refusal
from ..account_data import data_response
from ..permissions import allow
from . import bp


class EraseForm(FlaskForm):
    """The reason for erasing, kept in the audit trail."""

    reason = TextAreaField("Reason for erasing", filters=[lambda v: v.strip() if isinstance(v, str) else v],
                           validators=[DataRequired(message="Enter the reason for erasing this person’s records."),
                                       Length(max=REASON_MAX, message=f"Use at most {REASON_MAX} characters.")])


def _person(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    return person


@bp.route("/users/<int:user_id>/data.zip")
@allow(Role.ADMIN)
def user_data(user_id: int) -> Response:
    """Everything held about a person, as one streamed ZIP (a subject access request)."""
    return data_response(_person(user_id))


@bp.route("/users/<int:user_id>/erase", methods=["GET", "POST"])
@allow(Role.ADMIN)
def user_erase(user_id: int) -> str | Response:
    """Confirm what will go and why, then anonymise the person at once; cannot be undone."""
    person = _person(user_id)
    refusal = erase_refusal(db.session, person, current_user)
    form = EraseForm()
    if refusal is None and form.validate_on_submit():
        try:
            erase_now(db.session, person, current_user, form.reason.data or "", now())
        except EraseRefused as exc:
            form.reason.errors = [str(exc)]
        else:
            flash("The person’s records were erased. The audit trail keeps that you did it and why.", "success")
            return redirect(url_for("admin.user_edit", user_id=person.id))
    return render_template("admin/users_erase.html", person=person, form=form, refusal=refusal,
                           preview=erase_preview(db.session, person) if refusal is None else [])
