"""The rules for a person's fields, written once: the admin form, the CLI and the CSV import all call these."""
from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

from ..models import Role
from ..models.users import EXTRA_TIME_MAX, NAME_MAX

ROLES = tuple(role.value for role in Role)
EXTRA_TIME_MESSAGE = f"Extra time must be a whole number from 0 to {EXTRA_TIME_MAX} (0 for none)."


class AccountError(ValueError):
    """Bad account input; `field` names the form field (or CSV column) at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _label(field: str) -> str:
    return field.replace("_", " ")


def has_control(value: str) -> bool:
    """True when text holds a line break, tab, NUL or other control character (it would break a mail header)."""
    return any(unicodedata.category(char)[0] == "C" or unicodedata.category(char) in ("Zl", "Zp") for char in value)


def clean_name(field: str, raw: str | None) -> str:
    """A first or last name, trimmed; refused when empty, too long or holding a line break or other control."""
    value = (raw or "").strip()
    if not value:
        raise AccountError(field, f"Enter the {_label(field)}.")
    if len(value) > NAME_MAX:
        raise AccountError(field, f"The {_label(field)} is longer than {NAME_MAX} characters.")
    # A line break in a name would break the header of every message addressed to the person.
    if has_control(value):
        raise AccountError(field, f"The {_label(field)} must be on one line, without tabs or other control "
                                  "characters.")
    return value


def clean_email(raw: str | None) -> str:
    """An address checked for syntax and lower-cased, or AccountError on the email field."""
    value = (raw or "").strip()
    if not value:
        raise AccountError("email", "Enter the email address.")
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError("email", f"Enter a valid email address (“{value}”: {exc}).") from None


def clean_role(raw: str | None) -> str:
    """One of the roles, given in any case."""
    value = (raw or "").strip().lower()
    if value not in ROLES:
        raise AccountError("role", f"Unknown role “{raw}”: use {', '.join(ROLES[:-1])} or {ROLES[-1]}.")
    return value


def clean_extra_time(value: int | str | None) -> int:
    """Extra time in percent, from a number or text such as "25" or "25 %"."""
    text = str(value if value is not None else "").rstrip("%").strip()
    if not text.isdigit() or not 0 <= int(text) <= EXTRA_TIME_MAX:
        found = f", not “{value}”" if value not in (None, "") else ""
        raise AccountError("extra_time_pct", f"Extra time must be a whole number from 0 to {EXTRA_TIME_MAX}{found}.")
    return int(text)
