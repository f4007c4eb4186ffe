"""Admin screen "Question banks": list, questions, export, and upload with a preview before applying."""
from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select
from werkzeug.wrappers import Response as WzResponse
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ...audit import record
from ...banks.editions import edition_problems, editions_of, needs_edition, record_edition
from ...banks.formats import FORMATS, ReadResult, format_from_filename, read_bank, write_bank
from ...banks.schema import BankInvalid
from ...banks.store import apply_import, plan_import, spec_from_db
from ...config import now
from ...extensions import db
from ...models import CourseBank, Question, QuestionBank, Role
from ...models.banks import review_state
from ...quiz.courses import live_counts
from ..analysis_filters import analyse, csv_response
from ..permissions import allow
from . import bp

MEDIA = {"yaml": ("application/x-yaml", "yaml"), "gift": ("text/plain", "gift"),
         "moodle-xml": ("application/xml", "xml"), "aiken": ("text/plain", "txt")}


class UploadForm(FlaskForm):
    """A bank file in any supported format."""

    file = FileField("Bank file", validators=[FileRequired(message="Choose a bank file to upload.")])
    format = SelectField("Format", default="", choices=[SelectChoice("", "Work it out from the file name")]
                         + [SelectChoice(f, f) for f in FORMATS])
    bank_id = StringField("Bank id (GIFT, Moodle XML and Aiken only)")
    title = StringField("Bank title (GIFT, Moodle XML and Aiken only)")
    skip_unsupported = BooleanField("Leave out question types that are not supported and import the rest",
                                    default=True)


class ConfirmUploadForm(FlaskForm):
    """The previewed upload, signed so exactly what was previewed is applied."""

    payload = HiddenField()
    material = RadioField("Is this a material change?", choices=[
        SelectChoice("yes", "Yes: everyone with a current pass must take a short update quiz"),
        SelectChoice("no", "No: wording, typos or sources only; passes stand as they are")], validate_choice=False)
    what_changed = TextAreaField("What changed")

    def choice(self) -> bool | None:
        """True, False, or None when the question was not answered."""
        return {"yes": True, "no": False}.get(self.material.data or "")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="bank-upload")


@bp.route("/banks")
@allow(Role.ADMIN)
def banks() -> str:
    """The banks with question counts, edition and last import."""
    return _banks_with(UploadForm())


@bp.route("/banks/<slug>")
@allow(Role.ADMIN)
def bank(slug: str) -> str:
    """A bank's questions (live versions first, then retired ones) and their item analysis for the chosen filters."""
    found = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == slug)) or abort(404)
    questions = db.session.scalars(select(Question).where(Question.bank_id == found.id,
                                                          Question.superseded_at.is_(None))
                                   .order_by(Question.retired_at.is_not(None), Question.qid)).all()
    return render_template("admin/bank.html", bank=found, questions=questions, formats=FORMATS,
                           analysis=analyse(found.id), editions=editions_of(db.session, found.id))


@bp.route("/banks/<slug>/analysis.csv")
@allow(Role.ADMIN)
def bank_analysis_csv(slug: str) -> WzResponse:
    """The bank's item analysis for the chosen filters, as CSV."""
    found = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == slug)) or abort(404)
    analysis = analyse(found.id)
    if analysis.form.errors:
        back: dict[str, Any] = {**request.args.to_dict(), "slug": slug}
        return redirect(url_for("admin.bank", **back))
    return csv_response(analysis, found.slug)


@bp.route("/banks/<slug>/export/<fmt>")
@allow(Role.ADMIN)
def bank_export(slug: str, fmt: str) -> Response:
    """Download a bank's live questions in one of the formats."""
    found = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == slug))
    if found is None or fmt not in FORMATS:
        abort(404)
    try:
        text = write_bank(spec_from_db(db.session, found), fmt)
    except ValueError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.bank", slug=slug))  # type: ignore[return-value]  # Werkzeug's Response
    mimetype, extension = MEDIA[fmt]
    return Response(text, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{found.slug}.{extension}"'})


def _read(payload: dict[str, object]) -> ReadResult:
    return read_bank(str(payload["text"]), str(payload["fmt"]), filename=str(payload["filename"]),
                     bank_id=str(payload["bank_id"] or "") or None, title=str(payload["title"] or "") or None,
                     skip_unsupported=bool(payload["skip"]))


def _payload(form: UploadForm) -> dict[str, object]:
    upload = form.file.data
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("The file is not UTF-8 text. Save it as UTF-8 and upload it again.") from None
    fmt = form.format.data or format_from_filename(upload.filename or "")
    if fmt != "yaml" and not (form.bank_id.data and form.title.data):
        raise ValueError("A GIFT, Moodle XML or Aiken file needs a bank id and a title.")
    return {"text": text, "fmt": fmt, "filename": upload.filename or "upload", "bank_id": form.bank_id.data,
            "title": form.title.data, "skip": form.skip_unsupported.data}


@bp.route("/banks/upload", methods=["POST"])
@allow(Role.ADMIN)
def bank_upload() -> str | WzResponse | tuple[str, int]:
    """Read an uploaded bank and show what importing it would add, change and retire, or its errors by line."""
    form = UploadForm()
    if not form.validate_on_submit():
        return _banks_with(form), 400
    try:
        payload = _payload(form)
        result = _read(payload)
    except BankInvalid as exc:
        return render_template("admin/bank_preview.html", errors=exc.errors, filename=form.file.data.filename,
                               report=None), 422
    except ValueError as exc:
        form.file.errors = [str(exc)]
        return _banks_with(form), 400
    return _preview(payload, result, ConfirmUploadForm(payload=_serializer().dumps(payload)))


def _preview(payload: dict[str, object], result: ReadResult, confirm: ConfirmUploadForm) -> str:
    report = plan_import(db.session, result.bank)
    return render_template("admin/bank_preview.html", errors=[], result=result, report=report,
                           filename=payload["filename"], confirm=confirm, ask_edition=needs_edition(report))


def _banks_with(form: UploadForm) -> str:
    live = live_counts(db.session)
    used = dict(db.session.execute(select(CourseBank.bank_id, func.count()).group_by(CourseBank.bank_id)).all())
    rows = db.session.scalars(select(QuestionBank).order_by(QuestionBank.title)).all()
    today = now().date()
    states = {bank.id: review_state(bank.review_by, today) for bank in rows}
    overdue, due = ([b for b in rows if states[b.id] == state] for state in ("overdue", "due"))
    return render_template("admin/banks.html", banks=rows, live=live, used=used, form=form, states=states,
                           overdue=overdue, due=due)


@bp.route("/banks/apply", methods=["POST"])
@allow(Role.ADMIN)
def bank_apply() -> str | WzResponse:
    """Apply a previewed upload (re-validated; all of it or none of it)."""
    form = ConfirmUploadForm()
    try:
        payload = _serializer().loads(form.payload.data or "")
        result = _read(payload)
    except (BadSignature, BankInvalid, ValueError):
        flash("That upload could not be applied. Upload the file again.", "error")
        return redirect(url_for("admin.banks"))
    if needs_edition(plan_import(db.session, result.bank)):
        problems = edition_problems(form.choice(), form.what_changed.data or "")
        if problems:
            for name, message in problems:
                getattr(form, name).errors = [*getattr(form, name).errors, message]
            return _preview(payload, result, form), 400  # type: ignore[return-value]
    moment = now()
    report = apply_import(db.session, result.bank, moment)
    if needs_edition(report):
        record_edition(db.session, report, material=bool(form.choice()), what_changed=form.what_changed.data or "",
                       now=moment, user_id=current_user.id)
    record(db.session, current_user, "bank.import", f"bank:{report.bank_id}", file=str(payload["filename"]),
           added=len(report.added), changed=len(report.changed), retired=len(report.retired),
           material=form.choice())
    flash(f"Imported: {report.summary()}.", "success")
    return redirect(url_for("admin.bank", slug=report.bank_id))
