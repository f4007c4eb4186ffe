"""The item-analysis filters shared by the admin bank page and the DSL page: period, school, staff group, course."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Response, abort, request
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from ..audit import record
from ..banks.analysis import ItemStats, Scope, csv_rows, item_analysis
from ..compliance.exports import slug, to_csv
from ..config import now
from ..extensions import db
from ..models import Course, CourseBank, Role, School, StaffGroup
from .forms import Choice, DayField


class AnalysisForm(FlaskForm):
    """Which answers to analyse."""

    class Meta:
        """Form options."""

        csrf = False  # a GET filter form: it changes nothing

    start = DayField("From", validators=[Optional()])
    end = DayField("To", validators=[Optional()])
    school = Choice("School", default="")
    group = Choice("Staff group", default="")
    course = Choice("Course", default="")

    def validate_end(self, field: DayField) -> None:
        """The period must not end before it starts."""
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("Enter a date on or after the From date.")


@dataclass
class Analysis:
    """A request's filters and, when they are valid, the figures."""

    form: AnalysisForm
    items: list[ItemStats]
    scope_name: str

    @property
    def args(self) -> dict[str, str]:
        """The filters as query arguments, for the export link."""
        return {name: str(self.form[name].data) for name in ("start", "end", "school", "group", "course")
                if name in self.form and self.form[name].data}


def _choices(first: str, rows: list[tuple[int, str]]) -> list[SelectChoice]:
    return [SelectChoice("", first)] + [SelectChoice(str(value), label) for value, label in rows]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _own_school_only(form: AnalysisForm) -> int | None:
    """A DSL sees their own school's answers only; asking for another school's is refused as if it did not exist."""
    asked = request.args.get("school", "")
    if asked and asked != str(current_user.school_id):
        abort(404)
    del form.school
    own: int | None = current_user.school_id
    return own


def analyse(bank_id: int | None = None) -> Analysis:
    """Read the filters (a DSL is held to their school) and run the analysis; no figures when a filter is wrong."""
    form = AnalysisForm(formdata=request.args)
    is_admin = current_user.role == Role.ADMIN.value
    courses = select(Course.id, Course.title).order_by(Course.title)
    if bank_id is not None:
        courses = courses.where(Course.id.in_(select(CourseBank.course_id).where(CourseBank.bank_id == bank_id)))
    form.course.choices = _choices("All courses", [(c.id, c.title) for c in db.session.execute(courses)])
    groups = db.session.execute(select(StaffGroup.id, StaffGroup.name).order_by(StaffGroup.name)).all()
    form.group.choices = _choices("All staff groups", [(g.id, g.name) for g in groups])
    if is_admin:
        schools = db.session.execute(select(School.id, School.name).order_by(School.name)).all()
        form.school.choices = _choices("All schools", [(s.id, s.name) for s in schools])
        school_id, scope_name = _int(form.school.data), "all schools"
    else:
        school_id = _own_school_only(form)
        scope_name = current_user.school.name if current_user.school else "no school"
    if not form.validate() or (not is_admin and school_id is None):
        return Analysis(form, [], scope_name)
    if is_admin and school_id is not None:
        scope_name = form.school.labels().get(str(school_id), "")
    scope = Scope(start=form.start.data, end=form.end.data, school_id=school_id, group_id=_int(form.group.data),
                  course_id=_int(form.course.data), bank_id=bank_id)
    return Analysis(form, item_analysis(db.session, scope), scope_name)


def csv_response(analysis: Analysis, what: str, items: list[ItemStats] | None = None) -> Response:
    """The analysis as a CSV download, recorded in the audit trail."""
    chosen = analysis.items if items is None else items
    header, body = csv_rows(chosen)
    record(db.session, current_user, "analysis.export", what, rows=len(body), filters=analysis.args)
    name = f"item-analysis_{slug(what)}_{slug(analysis.scope_name)}_{date.isoformat(now().date())}.csv"
    return Response(to_csv(header, body), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
