"""Forms for join links: the DSL's new link, the newcomer's request, and a rejection."""
from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from wtforms import EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional

from ..models import School, StaffGroup
from ..models.join import JOIN_USES_MAX
from ..models.users import NAME_MAX
from ..people.fields import clean_email, clean_name
from ..people.join_links import MAX_DAYS
from .forms import FieldRule


class LinkForm(FlaskForm):
    """A new join link: which school and staff group newcomers land in, for how long and how many."""

    label = StringField("Name for this link", validators=[Length(max=120), FieldRule(clean_name, "label")],
                        default="Volunteers")
    school = SelectField("School", coerce=int)
    staff_group = SelectField("Staff group", coerce=int)
    days = IntegerField("Works for (days)", default=30, validators=[
        InputRequired(message=f"Enter a number of days from 1 to {MAX_DAYS}."),
        NumberRange(1, MAX_DAYS, message=f"Enter a number of days from 1 to {MAX_DAYS}.")])
    max_uses = IntegerField("Most people who may join by it", validators=[
        Optional(), NumberRange(1, JOIN_USES_MAX,
                                message=f"Enter a limit from 1 to {JOIN_USES_MAX}, or leave it empty.")])

    def load_choices(self, session: Session, school_id: int | None) -> None:
        """Schools (only the DSL's own, or all for an admin) and staff groups."""
        schools = select(School).order_by(func.lower(School.name))
        if school_id is not None:
            schools = schools.where(School.id == school_id)
        self.school.choices = [SelectChoice(str(s.id), s.name) for s in session.scalars(schools)]
        groups = session.scalars(select(StaffGroup).order_by(func.lower(StaffGroup.name)))
        self.staff_group.choices = [SelectChoice("0", "No staff group yet (the DSL places them)")] + [
            SelectChoice(str(g.id), g.name) for g in groups]


class JoinForm(FlaskForm):
    """Who is asking to join, and the password they will sign in with once approved."""

    first_name = StringField("First name", validators=[
        DataRequired(message="Enter your first name."), Length(max=NAME_MAX), FieldRule(clean_name, "first_name")])
    last_name = StringField("Last name", validators=[
        DataRequired(message="Enter your last name."), Length(max=NAME_MAX), FieldRule(clean_name, "last_name")])
    email = EmailField("Email", validators=[DataRequired(message="Enter your email address."), Length(max=254),
                                            FieldRule(clean_email)])
    password = PasswordField("Password", validators=[DataRequired(message="Choose a password.")])
    confirm = PasswordField("Confirm password", validators=[
        DataRequired(message="Type the password again."), EqualTo("password", message="The passwords do not match.")])


class RejectForm(FlaskForm):
    """Why a request is turned down (kept with the request, for the DSL's own record)."""

    reason = StringField("Reason (optional)", validators=[Length(max=500)])

