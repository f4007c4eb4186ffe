"""Shared WTForms forms."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, Field, PasswordField, SelectField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from ..people.fields import AccountError


class FieldRule:
    """A WTForms validator that applies a domain field rule, so a form says exactly what the import and CLI say."""

    def __init__(self, rule: Callable[..., Any], *args: Any) -> None:
        self.rule, self.args = rule, args

    def __call__(self, form: FlaskForm, field: Field) -> None:
        """Raise ValidationError with the rule's own message when it refuses the value."""
        try:
            self.rule(*self.args, field.data)
        except AccountError as exc:
            raise ValidationError(exc.message) from None


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
