"""The DSL's compliance dashboard, person pages and exports."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from ..audit import record, record_export_subjects, record_view
from ..banks.analysis import got_wrong_most, hardest_first
from ..compliance.asat import AsAt, as_at
from ..compliance.chart import bar_chart
from ..compliance.exports import ExportAbout, export_bytes, file_name
from ..compliance.matrix import MatrixFilter, MatrixRow, all_rows, matrix_page
from ..compliance.person import person_record
from ..compliance.policy_columns import (
    PolicyTally,
    page_with_policies,
    person_policies,
    policy_columns,
    with_policies,
)
from ..compliance.requirements import Requirements, load_all_requirements, load_requirements
from ..compliance.status import LABELS
from ..compliance.summary import COUNTED, summarise
from ..config import now
from ..extensions import db
from ..models import OrgSettings, Policy, Role, School, StaffGroup, User
from ..policies.acknowledge import history as acknowledgement_history
from ..policies.standing import PolicyBook, PolicyStatus, load_book
from ..training.ledger import cpd_ledger
from ..training.queries import records_of
from .analysis_filters import analyse, csv_response
from .forms import Choice, ConfirmForm, DayField
from .permissions import allow, require_person

bp = Blueprint("dsl", __name__, url_prefix="/dsl")

STATUS_CHOICES = [SelectChoice("", "Any status"),
                  SelectChoice("not_covered", "Not covered (expired, not started or in progress)"),
                  SelectChoice("covered", "Covered (compliant or due soon)")] + [
                     SelectChoice(s.value, LABELS[s]) for s in COUNTED]
FILTER_FIELDS = ("as_at", "school", "group", "course", "status", "q", "sort")


class FilterForm(FlaskForm):
    """What to show: the day, who, which course and status, and the order."""

    class Meta:
        """Form options."""

        csrf = False  # a GET search form: it changes nothing

    as_at = DayField("As at", validators=[Optional()])
    school = Choice("School", default="")
    group = Choice("Staff group", default="")
    course = Choice("Course", default="")
    status = Choice("Status", default="", choices=STATUS_CHOICES)
    q = StringField("Name or email", default="", validators=[Length(max=100, message="Use at most 100 characters.")])
    sort = Choice("Sort by", default="name")

    def validate_as_at(self, field: DayField) -> None:
        """History can be shown, the future cannot."""
        if field.data and field.data > self.today:
            raise ValidationError("Enter today's date or an earlier one.")


@dataclass
class View:
    """A request's filters, resolved: `matrix_filter` is None when the form has errors."""

    form: FilterForm
    when: AsAt
    reqs: Requirements
    matrix_filter: MatrixFilter | None
    is_admin: bool

    @property
    def args(self) -> dict[str, str]:
        """The filter as query arguments, for links that keep it (pages, exports)."""
        values = {name: self.form[name].data for name in FILTER_FIELDS if name in self.form}
        values["as_at"] = self.when.day.isoformat()
        return {k: str(v) for k, v in values.items() if v and not (k == "sort" and v == "name")}

    def described(self) -> list[tuple[str, str]]:
        """Each filter with what was chosen, in words."""
        shown = []
        for name in ("school", "group", "course", "status"):
            if name in self.form:
                field = self.form[name]
                shown.append((field.label.text, field.labels().get(field.data, "")))
        shown.append(("Name or email", self.form.q.data or "any"))
        return shown

    @property
    def book(self) -> PolicyBook:
        """The policies to read, loaded with the requirements."""
        return self.reqs.book or PolicyBook((), frozenset())

    @property
    def scope(self) -> str:
        """Whose figures these are: the DSL's school, the chosen school, or all schools."""
        if not self.is_admin:
            return current_user.school.name if current_user.school else "No school"
        chosen = self.form.school.data
        return self.form.school.labels().get(chosen, "") if chosen else "All schools"


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _options(first: SelectChoice, rows: list[tuple[int, str]]) -> list[SelectChoice]:
    return [first] + [SelectChoice(str(value), label) for value, label in rows]


def _build_form(reqs: Requirements, is_admin: bool, today: date) -> FilterForm:
    form = FilterForm(formdata=request.args)
    form.today = today
    groups = db.session.execute(select(StaffGroup.id, StaffGroup.name).order_by(StaffGroup.name)).all()
    form.group.choices = _options(SelectChoice("", "All staff groups"), [(g.id, g.name) for g in groups])
    form.course.choices = _options(SelectChoice("", "All required courses"), [(c.id, c.title) for c in reqs.courses])
    sorts = [SelectChoice("name", "Name")] + ([SelectChoice("school", "School")] if is_admin else []) + [
        SelectChoice("group", "Staff group")] + [SelectChoice(f"course-{c.id}", f"Status in {c.title}")
                                                 for c in reqs.courses]
    form.sort.choices = sorts
    if is_admin:
        schools = db.session.execute(select(School.id, School.name).order_by(School.name)).all()
        form.school.choices = _options(SelectChoice("", "All schools"), [(s.id, s.name) for s in schools])
    else:
        del form.school
    return form


def filter_view() -> View:
    """Read and check the filters; DSLs are held to their own school whatever the address says."""
    reqs = load_all_requirements(db.session)
    moment, is_admin = now(), current_user.role == Role.ADMIN.value
    form = _build_form(reqs, is_admin, moment.date())
    valid = form.validate()
    day = form.as_at.data if valid and form.as_at.data else moment.date()
    form.as_at.data = form.as_at.data or day
    when = as_at(day, moment, OrgSettings.current(db.session).due_soon_days)
    if not valid:
        return View(form, when, reqs, None, is_admin)
    chosen = MatrixFilter(
        restricted=not is_admin, scope_school_id=current_user.school_id,
        school_id=_int(form.school.data) if is_admin else None, group_id=_int(form.group.data),
        course_id=_int(form.course.data), status=form.status.data, search=form.q.data or "", sort=form.sort.data)
    return View(form, when, reqs, chosen, is_admin)


@bp.route("/")
@allow(Role.DSL, Role.ADMIN)
def dashboard() -> str:
    """Summary, chart, trust roll-up (admins) and the matrix, for the chosen day and filters."""
    view = filter_view()
    page = summary = chart = None
    policy_tallies: list[PolicyTally] = []
    if view.matrix_filter is not None:
        f, when, reqs = view.matrix_filter, view.when, view.reqs
        number = request.args.get("page", 1, type=int) or 1
        summary = summarise(db.session, f, when, reqs, number)
        page = matrix_page(db.session, f, when, reqs, summary.page_ids, summary.matching, number)
        page, policy_tallies = page_with_policies(db.session, page, f, view.book, when, reqs)
        chart = bar_chart([(course.title, tally) for course, tally in summary.courses],
                          [(policy.title, tally) for policy, tally in summary.policies])
    return render_template("dsl/dashboard.html", view=view, page=page, summary=summary, chart=chart,
                           statuses=COUNTED, labels=LABELS, policy_tallies=policy_tallies,
                           policy_statuses=PolicyStatus, pack_form=ConfirmForm())


def export_rows(view: View, f: MatrixFilter) -> tuple[list[MatrixRow], list[Policy]]:
    """Every matching row with its policy cells, and the policy columns: what the exports and the pack hold."""
    rows = with_policies(db.session, all_rows(db.session, f, view.when, view.reqs), f, view.book, view.when)
    return rows, policy_columns(f, view.book)


def export_file(view: View, f: MatrixFilter, rows: list[MatrixRow], policies: list[Policy],
                kind: str) -> tuple[bytes, str]:
    """The CSV or XLSX of the rows, with its MIME type: the one path the downloads and the evidence pack use."""
    filters = "; ".join(f"{label}: {text}" for label, text in view.described())
    about = ExportAbout(view.scope, view.when.day, filters, current_user.full_name, now())
    return export_bytes(kind, rows, view.reqs.columns(f.course_id), policies, about)


def audit_export(view: View, f: MatrixFilter, action: str, **details: Any) -> None:
    """Record who took which figures away, for which school and day."""
    school_id = f.scope_school_id if f.restricted else f.school_id
    filters = "; ".join(f"{label}: {text}" for label, text in view.described())
    record(db.session, current_user, action, f"school:{school_id}" if school_id else "all-schools",
           as_at=view.when.day.isoformat(), filters=filters, **details)


def _export(kind: str) -> BaseResponse:
    view = filter_view()
    if view.matrix_filter is None:
        return redirect(url_for("dsl.dashboard", **request.args.to_dict()))  # type: ignore[arg-type]  # query args
    f = view.matrix_filter
    rows, policies = export_rows(view, f)
    audit_export(view, f, "compliance.export", format=kind, rows=len(rows))
    record_export_subjects(db.session, current_user, "compliance.export.person", [r.person_id for r in rows],
                           format=kind, as_at=view.when.day.isoformat())
    data, mimetype = export_file(view, f, rows, policies, kind)
    name = file_name(view.scope, view.when.day, kind)
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/export.csv")
@allow(Role.DSL, Role.ADMIN)
def export_csv() -> BaseResponse:
    """Every row the filters match (all pages), as CSV for any spreadsheet."""
    return _export("csv")


@bp.route("/export.xlsx")
@allow(Role.DSL, Role.ADMIN)
def export_xlsx() -> BaseResponse:
    """Every row the filters match (all pages), as an Excel workbook."""
    return _export("xlsx")


@bp.route("/people/<int:person_id>")
@allow(Role.DSL, Role.ADMIN)
def person(person_id: int) -> str:
    """One person's required courses, attempts, certificates and history; another school's person is a 404."""
    person = require_person(current_user, db.session.get(User, person_id))
    moment = now()
    try:
        day = min(date.fromisoformat(request.args.get("as_at", "")), moment.date())
    except ValueError:
        day = moment.date()
    when = as_at(day, moment, OrgSettings.current(db.session).due_soon_days)
    record_view(db.session, current_user, person, "person.view", f"user:{person.id}", moment)
    data = person_record(db.session, person, when, load_requirements(db.session))
    policies = person_policies(db.session, load_book(db.session), person, when)
    acknowledged = acknowledgement_history(db.session, person.id)
    return render_template("dsl/person.html", data=data, when=when, today=moment.date(), policies=policies,
                           acknowledgements=acknowledged, external=records_of(db.session, person.id),
                           ledger=cpd_ledger(db.session, person.id, acknowledged))


@bp.route("/item-analysis")
@allow(Role.DSL, Role.ADMIN)
def item_analysis() -> str:
    """"What our staff get wrong most": the questions answered wrong most often, what was chosen and why it is wrong."""
    analysis = analyse()
    return render_template("dsl/item_analysis.html", analysis=analysis, items=got_wrong_most(analysis.items))


@bp.route("/item-analysis.csv")
@allow(Role.DSL, Role.ADMIN)
def item_analysis_csv() -> BaseResponse:
    """Every question answered in the filters, hardest first, as CSV (a DSL's own school only)."""
    analysis = analyse()
    if analysis.form.errors:
        return redirect(url_for("dsl.item_analysis", **request.args.to_dict()))  # type: ignore[arg-type]  # query args
    return csv_response(analysis, "our-staff", hardest_first(analysis.items))


from . import dsl_pack  # noqa: E402,F401  (registers the evidence pack routes on this blueprint)
