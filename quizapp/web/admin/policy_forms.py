"""Forms of the admin "Policies" screen: a policy's settings and a version's document."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ...models.policies import DAYS_MAX
from ..forms import DayField


class PolicySettingsForm(FlaskForm):
    """Who owns a policy, who must read it, how soon, and when it is next reviewed."""

    title = StringField("Title", validators=[DataRequired(message="Enter a title."), Length(max=200)])
    owner = StringField("Owner", validators=[DataRequired(message="Enter who owns the policy."), Length(max=200)])
    audience = RadioField("Who must read it", default="all", choices=[
        SelectChoice("all", "All staff"), SelectChoice("groups", "Only the staff groups ticked below")],
        validate_choice=False)
    days_to_acknowledge = IntegerField("Days to acknowledge", default=14, validators=[
        DataRequired(message=f"Enter a whole number of days from 1 to {DAYS_MAX}."),
        NumberRange(1, DAYS_MAX, message=f"Enter a whole number of days from 1 to {DAYS_MAX}.")])
    review_by = DayField("Review by", validators=[DataRequired(message="Enter the date the policy is next reviewed.")])

    def validate_audience(self, field: RadioField) -> None:
        """Only the two listed answers."""
        if field.data not in ("all", "groups"):
            raise ValidationError("Choose all staff or chosen staff groups.")


class VersionForm(FlaskForm):
    """A version: its label, when it takes effect, and the document as a PDF or as Markdown."""

    label = StringField("Version", validators=[DataRequired(message="Enter a version label, such as 1.0."),
                                               Length(max=40)])
    effective_on = DayField("Effective from", validators=[DataRequired(message="Enter the date it takes effect.")])
    kind = RadioField("Document", default="markdown", choices=[
        SelectChoice("markdown", "Write or paste it as Markdown"), SelectChoice("pdf", "Upload a PDF (up to 20 MB)")],
        validate_choice=False)
    document = FileField("PDF file", render_kw={"accept": "application/pdf,.pdf"})
    markdown = TextAreaField("Policy text (Markdown)", render_kw={"rows": 14})


class NewVersionForm(VersionForm):
    """A later version also says whether it is a material change, and why not when it is not."""

    material = RadioField("Is this a material change?", default="yes", choices=[
        SelectChoice("yes", "Yes: everyone must read and acknowledge it again"),
        SelectChoice("no", "No: a minor change (such as a typing error); acknowledgements carry over")],
        validate_choice=False)
    note = TextAreaField("Version note", validators=[Optional(), Length(max=2000)])


class NewPolicyForm(PolicySettingsForm, VersionForm):
    """A policy and its first version on one page."""
