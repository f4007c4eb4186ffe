"""Forms for the certificates screen: the filter (a GET form) and the revoke and reissue confirmations."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SearchField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ...certificates.manage import REASON_MAX
from ...certificates.search import STATUSES, Criteria

SORT_CHOICES = [SelectChoice("issued", "Date issued"), SelectChoice("name", "Name"), SelectChoice("course", "Course"),
                SelectChoice("valid_until", "Valid until")]
ORDER_CHOICES = [SelectChoice("desc", "Descending (newest or Z first)"),
                 SelectChoice("asc", "Ascending (oldest or A first)")]
STATUS_CHOICES = [SelectChoice("", "Any status"), *(SelectChoice(s, s.capitalize()) for s in STATUSES)]


class FilterForm(FlaskForm):
    """Search, filters and sort; read from the query string, so it carries no CSRF token."""

    class Meta:
        csrf = False

    text = SearchField("Search", validators=[Optional(), Length(max=200)])
    course_id = SelectField("Course", validators=[Optional()])
    school_id = SelectField("School", validators=[Optional()])
    status = SelectField("Status", choices=STATUS_CHOICES, validators=[Optional()])
    issued_from = DateField("Issued from", validators=[Optional()])
    issued_to = DateField("Issued to", validators=[Optional()])
    sort = SelectField("Sort by", choices=SORT_CHOICES, default="issued")
    order = SelectField("Order", choices=ORDER_CHOICES, default="desc")

    def set_choices(self, courses: list[tuple[int, str]], schools: list[tuple[int, str]]) -> None:
        """Fill the course and school lists from the database."""
        self.course_id.choices = [SelectChoice("", "All courses"), *(SelectChoice(str(i), t) for i, t in courses)]
        self.school_id.choices = [SelectChoice("", "All schools"), *(SelectChoice(str(i), n) for i, n in schools)]

    def validate_issued_to(self, field: DateField) -> None:
        """The range must not run backwards."""
        start = self.issued_from.data
        if field.data and start and field.data < start:
            raise ValidationError("Enter a date on or after the “Issued from” date.")

    def criteria(self) -> Criteria:
        """The criteria from the fields that are valid; a field with an error counts as empty."""
        def good(name: str) -> Any:
            field = self[name]
            return None if field.errors else field.data

        def number(name: str) -> int | None:
            value = good(name)
            return int(value) if value and str(value).isdigit() else None

        return Criteria(text=(good("text") or "").strip(), course_id=number("course_id"),
                        school_id=number("school_id"), status=good("status") or "",
                        issued_from=good("issued_from"), issued_to=good("issued_to"),
                        sort=good("sort") or "issued", descending=(good("order") or "desc") == "desc")


class RevokeForm(FlaskForm):
    """The reason is required: it is kept with the certificate and in the audit trail."""

    reason = TextAreaField("Reason for revoking", validators=[
        DataRequired(message="Enter the reason for revoking this certificate."),
        Length(max=REASON_MAX, message=f"Keep the reason to {REASON_MAX} characters or fewer.")])


class ReissueForm(FlaskForm):
    """Confirm a reissue, optionally printing the name now on the person's account."""

    use_current_name = BooleanField("Print the name now on their account")
