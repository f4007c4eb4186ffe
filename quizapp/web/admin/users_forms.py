"""Forms for the people, schools and staff groups screens."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from ...models import Role, School, StaffGroup
from ...people.fields import EXTRA_TIME_MESSAGE, AccountError, clean_email, clean_extra_time, clean_name
from ..forms import FieldRule

ROLE_CHOICES = [SelectChoice(Role.STAFF.value, "Staff"), SelectChoice(Role.DSL.value, "DSL"),
                SelectChoice(Role.ADMIN.value, "Admin")]


class WholeNumberField(IntegerField):
    """An integer field whose parse error is plain English."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse the number, replacing WTForms' generic message."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(EXTRA_TIME_MESSAGE) from None


class PersonForm(FlaskForm):
    """A person's details, as an admin edits them."""

    first_name = StringField("First name", validators=[FieldRule(clean_name, "first_name")])
    last_name = StringField("Last name", validators=[FieldRule(clean_name, "last_name")])
    email = EmailField("Email", validators=[FieldRule(clean_email),
                                            Length(max=254, message="Use 254 characters or fewer.")])
    role = SelectField("Role", choices=ROLE_CHOICES)
    school = SelectField("School", coerce=int)
    staff_group = SelectField("Staff group", coerce=int)
    extra_time_pct = WholeNumberField("Extra time (%)", default=0, validators=[
        InputRequired(message=EXTRA_TIME_MESSAGE), FieldRule(clean_extra_time)])
    send_invitation = BooleanField("Email an invitation to set a password now", default=True)

    def load_choices(self, session: Session) -> None:
        """Fill the school and staff group lists from the database."""
        self.school.choices = _choices(session, School, "No school")
        self.staff_group.choices = _choices(session, StaffGroup, "No staff group")


def _choices(session: Session, model: type[School] | type[StaffGroup], none_label: str) -> list[SelectChoice]:
    units = cast(Sequence[School | StaffGroup], session.scalars(select(model).order_by(func.lower(model.name))).all())
    return [SelectChoice("0", none_label)] + [SelectChoice(str(unit.id), unit.name) for unit in units]


class UnitForm(FlaskForm):
    """The name of a school or staff group."""

    name = StringField("Name", validators=[DataRequired(message="Enter a name."),
                                           Length(max=200, message="Use 200 characters or fewer.")])


class ImportForm(FlaskForm):
    """A CSV file of people."""

    file = FileField("CSV file", validators=[FileRequired(message="Choose a CSV file to upload.")])


class ConfirmImportForm(FlaskForm):
    """The checked rows, signed, carried to the confirmation."""

    payload = HiddenField(validators=[DataRequired(message="Upload the file again.")])


class InviteManyForm(FlaskForm):
    """Which people to invite: ids from an import, or everyone without a password when empty."""

    user_ids = HiddenField()


def attach_error(form: FlaskForm, exc: AccountError) -> None:
    """Show an operation's error on the field it names, or above the form."""
    field = getattr(form, exc.field, None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)
