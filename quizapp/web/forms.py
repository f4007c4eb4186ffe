"""Shared WTForms forms."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, PasswordField, SubmitField
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
