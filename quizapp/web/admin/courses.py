"""Admin screen "Courses": list, create, edit, activate and deactivate."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import BooleanField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange

from ...audit import record
from ...engine.review import DEFAULT_FAILED_REVIEW, FailedReview
from ...extensions import db
from ...models import Course, CourseBank, QuestionBank, Role, StaffGroup
from ...quiz.courses import CourseError, CourseInput, live_counts, save_course
from ..forms import ConfirmForm
from ..permissions import allow
from . import bp


def _number(label: str, low: int, high: int, default: int) -> IntegerField:
    return IntegerField(label, default=default, validators=[
        DataRequired(message=f"Enter a whole number from {low} to {high}."),
        NumberRange(low, high, message=f"Enter a whole number from {low} to {high}.")])


class CourseForm(FlaskForm):
    """The scalar course fields; bank counts and staff groups are read alongside."""

    title = StringField("Title", validators=[DataRequired(message="Enter a title."), Length(max=200)])
    summary = TextAreaField("Summary", validators=[Length(max=1000)])
    time_limit_minutes = _number("Time limit (minutes)", 1, 600, 15)
    pass_mark_pct = _number("Pass mark (%)", 1, 100, 80)
    max_attempts_per_day = _number("Attempts allowed in any 24 hours", 1, 50, 3)
    cooldown_minutes = IntegerField("Pause after an unsuccessful attempt (minutes)", default=30,
                                    validators=[NumberRange(0, 10080, message="Enter a whole number from 0 to 10080.")])
    validity_months = _number("Certificate valid for (months)", 1, 120, 12)
    active = BooleanField("Open to staff", default=True)
    ask_confidence = BooleanField("Ask how sure people are after each answer")
    failed_review = RadioField("After a failed attempt, the review shows",
                               choices=[SelectChoice(choice.value, choice.label) for choice in FailedReview],
                               default=DEFAULT_FAILED_REVIEW.value)


def _bank_counts(banks: list[QuestionBank]) -> tuple[dict[int, int], dict[str, str]]:
    counts, errors = {}, {}
    for bank in banks:
        raw = (request.form.get(f"bank-{bank.id}") or "0").strip()
        if not raw.isdigit():
            errors[f"bank-{bank.id}"] = f"Questions from '{bank.title}' must be a whole number (0 to leave it out)."
            continue
        counts[bank.id] = int(raw)
    return counts, errors


def _render(form: CourseForm, course: Course | None, errors: dict[str, str], counts: dict[int, int],
            groups: list[int]) -> str:
    return render_template("admin/course_form.html", form=form, course=course, errors=errors, counts=counts,
                           chosen_groups=set(groups), live=live_counts(db.session),
                           banks=db.session.scalars(select(QuestionBank).order_by(QuestionBank.title)).all(),
                           groups=db.session.scalars(select(StaffGroup).order_by(StaffGroup.name)).all())


def _edit(course: Course | None) -> str | Response:
    form = CourseForm(obj=course)
    banks = list(db.session.scalars(select(QuestionBank).order_by(QuestionBank.title)))
    counts = {link.bank_id: link.question_count for link in course.banks} if course else {}
    groups = [g.id for g in course.required_for] if course else []
    if request.method == "POST":
        counts, errors = _bank_counts(banks)
        groups = [int(g) for g in request.form.getlist("groups") if g.isdigit()]
        form.validate()
        errors.update({name: field.errors[0] for name, field in form._fields.items() if field.errors})
        if not errors:
            data = CourseInput(bank_counts=counts, required_group_ids=groups,
                               **{name: form[name].data for name in CourseInput.__dataclass_fields__
                                  if name in form._fields and name != "csrf_token"})
            try:
                saved = save_course(db.session, data, course)
            except CourseError as exc:
                errors = exc.errors
            else:
                record(db.session, current_user, "course.update" if course else "course.create",
                       f"course:{saved.id}", title=saved.title)
                flash(f"Course '{saved.title}' saved.", "success")
                return redirect(url_for("admin.courses"))
        return _render(form, course, errors, counts, groups)
    return _render(form, course, {}, counts, groups)


@bp.route("/courses")
@allow(Role.ADMIN)
def courses() -> str:
    """Every course with its rules and banks."""
    rows = db.session.scalars(select(Course).options(selectinload(Course.banks).joinedload(CourseBank.bank),
                                                     selectinload(Course.required_for))
                              .order_by(Course.active.desc(), Course.title)).all()
    return render_template("admin/courses.html", courses=rows, form=ConfirmForm())


@bp.route("/courses/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def course_new() -> str | Response:
    """Create a course."""
    return _edit(None)


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def course_edit(course_id: int) -> str | Response:
    """Change a course's rules, banks and required staff groups."""
    course = db.session.get(Course, course_id) or abort(404)
    return _edit(course)


@bp.route("/courses/<int:course_id>/active", methods=["POST"])
@allow(Role.ADMIN)
def course_toggle(course_id: int) -> Response:
    """Open or close a course; attempts and certificates already made are kept."""
    course = db.session.get(Course, course_id) or abort(404)
    course.active = not course.active
    record(db.session, current_user, "course.activate" if course.active else "course.deactivate",
           f"course:{course.id}", title=course.title)
    flash(f"'{course.title}' is now {'open' if course.active else 'closed'} to staff.", "success")
    return redirect(url_for("admin.courses"))
