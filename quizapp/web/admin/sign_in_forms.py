"""The Sign-in settings form: one identity provider."""
from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from .users_forms import _choices

PRESET_CHOICES = [SelectChoice("entra", "Microsoft Entra ID (single tenant)"),
                  SelectChoice("google", "Google Workspace"),
                  SelectChoice("generic", "Another OpenID Connect provider")]


class ProviderForm(FlaskForm):
    """Label, kind, issuer, client, domains and what a first sign-in may do."""

    label = StringField("Button label", validators=[DataRequired(message="Enter the button label."),
                                                    Length(max=80, message="Use 80 characters or fewer.")])
    preset = SelectField("Kind of provider", choices=PRESET_CHOICES)
    issuer = StringField("Issuer", validators=[DataRequired(message="Enter the issuer address."),
                                               Length(max=500, message="Use 500 characters or fewer.")])
    client_id = StringField("Client id", validators=[Length(max=255, message="Use 255 characters or fewer.")])
    # Never filled in from what is stored: a secret is typed in, never shown back.
    client_secret = PasswordField("Client secret", validators=[Length(max=500)])
    domains = TextAreaField("E-mail domains", validators=[Length(max=2000)])
    create_users = BooleanField("Create an account on first sign-in")
    school = SelectField("School for new accounts", coerce=int)
    staff_group = SelectField("Staff group for new accounts", coerce=int)
    required = BooleanField("Required for these domains (password sign-in is refused)")

    def load_choices(self, session: Session) -> None:
        """Fill the school and staff group lists."""
        from ...models import School, StaffGroup

        self.school.choices = _choices(session, School, "Waiting for a DSL to place them")
        self.staff_group.choices = _choices(session, StaffGroup, "Waiting for a DSL to place them")
