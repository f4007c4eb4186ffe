"""Forms for training done elsewhere: one record, a group session, and the DSL's decision."""
from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DecimalField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ...models.external import MINUTES_MAX
from ...training.evidence import MAX_EVIDENCE_BYTES, CheckedEvidence, EvidenceRefused, check_evidence
from ...training.records import REASON_MAX, TEXT_MAX, TrainingDetails, TrainingRefused
from ..forms import Choice, DayField

EVIDENCE_HINT = "A PDF, PNG or JPEG of at most 10 MB: the certificate, or the attendance record."
# A little more than the evidence limit, for the form's other fields: bigger requests get the 413 page.
REQUEST_LIMIT = MAX_EVIDENCE_BYTES + 512 * 1024


class TrainingForm(FlaskForm):
    """What was done, when, for how long, until when, which course it stands for, and the evidence."""

    title = StringField("Title", validators=[InputRequired(message="Enter the title of the training."),
                                             Length(max=TEXT_MAX)])
    provider = StringField("Provider", validators=[InputRequired(message="Enter who ran the training."),
                                                   Length(max=TEXT_MAX)])
    completed_on = DayField("Date completed", validators=[InputRequired(message="Enter the date completed.")])
    hours = DecimalField("Hours", places=2, validators=[
        InputRequired(message="Enter how many hours it took, such as 1.5."),
        NumberRange(min=0, max=MINUTES_MAX // 60, message=f"Enter hours between 0 and {MINUTES_MAX // 60}.")])
    expires_on = DayField("Expiry date", validators=[Optional()])
    course = Choice("Course it satisfies", default="")
    evidence = FileField("Evidence", render_kw={"accept": "application/pdf,image/png,image/jpeg"})
    evidence_required = True
    checked: CheckedEvidence | None = None

    def set_courses(self, courses: list[tuple[int, str]]) -> None:
        """The active courses a record can stand for, after "none"."""
        self.course.choices = [SelectChoice("", "None: it does not replace a course")] + [
            SelectChoice(str(course_id), title) for course_id, title in courses]

    def validate_hours(self, field: DecimalField) -> None:
        """DecimalField reads "abc" as no number at all; say what to type."""
        if field.data is None and field.raw_data and field.raw_data[0]:
            raise ValidationError("Enter hours as a number, such as 1.5.")

    def validate_evidence(self, field: FileField) -> None:
        """Read at most the limit and one byte, and keep the file only if it is a real PDF, PNG or JPEG."""
        if not field.data or not getattr(field.data, "filename", ""):
            if self.evidence_required:
                raise ValidationError("Choose the certificate or attendance record to upload.")
            return
        data = field.data.stream.read(MAX_EVIDENCE_BYTES + 1)
        try:
            self.checked = check_evidence(data, field.data.filename)
        except EvidenceRefused as exc:
            raise ValidationError(str(exc)) from None

    def details(self) -> TrainingDetails:
        """The validated fields as the domain's details."""
        hours: Decimal = self.hours.data
        return TrainingDetails(title=self.title.data, provider=self.provider.data,
                               completed_on=self.completed_on.data, minutes=int(round(hours * 60)),
                               expires_on=self.expires_on.data,
                               course_id=int(self.course.data) if self.course.data else None)


class GroupForm(TrainingForm):
    """A session many attended: ticked from the staff list, or a CSV of e-mails."""

    attendees_csv = FileField("Attendees as a CSV file", render_kw={"accept": ".csv,text/csv"})
    evidence_required = False


def show_refusal(form: FlaskForm, refused: TrainingRefused) -> None:
    """Put the domain's refusal on the field it names (or above the form when no field matches)."""
    if refused.field in form:
        form[refused.field].errors.append(refused.message)
    else:
        form.form_errors.append(refused.message)


class DecisionForm(FlaskForm):
    """Approve, or reject with a reason the person will see."""

    reason = TextAreaField("Reason for rejecting", validators=[Length(max=REASON_MAX)])
