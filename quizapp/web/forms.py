"""Shared WTForms forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, PasswordField, SelectField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError


class SignInForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired(message="Enter your email address."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")])
    submit = SubmitField("Sign in")


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change state."""


class DayField(DateField):
    """A date input whose error says what to type."""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse YYYY-MM-DD (what date inputs send)."""
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Enter a date such as 2026-11-23.") from exc


class Choice(SelectField):
    """A drop-down whose error names what to choose."""

    def pre_validate(self, form: FlaskForm) -> None:
        """Accept only one of the listed values."""
        if self.data not in self.labels():
            raise ValidationError(f"Choose a {self.label.text.lower()} from the list.")

    def labels(self) -> dict[str, str]:
        """Each value with the words shown for it."""
        return {choice.value: choice.label for choice in self.choices}
