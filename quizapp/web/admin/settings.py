"""Admin screen: organisation settings used on certificates and reminders."""
from __future__ import annotations

import base64
import hashlib
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.wrappers import Response
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp, ValidationError

from ...audit import record
from ...certificates.logo import MAX_LOGO_BYTES, LogoRefused, check_logo
from ...extensions import db
from ...models import OrgSettings, Role
from ...models.settings import DEFAULT_IDLE_MINUTES, DEFAULT_MAX_HOURS, IDLE_MINUTES, MAX_HOURS, RETENTION_YEARS_MAX
from ...people.fields import has_control
from ..permissions import allow
from . import bp

TEXT_FIELDS = ("org_name", "signatory_name", "signatory_role", "certificate_prefix", "due_soon_days", "update_days",
               "session_idle_minutes", "session_max_hours", "data_protection_contact", "retention_years",
               "keep_verifiable")
DAYS_MESSAGE = "Enter a whole number of days from 1 to 365."
IDLE_MESSAGE = f"Enter a whole number of minutes from {IDLE_MINUTES[0]} to {IDLE_MINUTES[1]}."
MAX_MESSAGE = f"Enter a whole number of hours from {MAX_HOURS[0]} to {MAX_HOURS[1]}."
YEARS_MESSAGE = f"Enter a whole number of years from 1 to {RETENTION_YEARS_MAX}."


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _upper(value: str | None) -> str | None:
    return value.upper() if isinstance(value, str) else value


class SettingsForm(FlaskForm):
    """Every setting on one form; nothing is saved unless all of it is valid."""

    org_name = StringField("Organisation name", filters=[_strip], validators=[
        DataRequired(message="Enter the organisation name."), Length(max=200)])
    logo = FileField("Logo", render_kw={"accept": "image/png,image/jpeg"})
    remove_logo = BooleanField("Remove the current logo")
    signatory_name = StringField("Signatory name", filters=[_strip], validators=[
        DataRequired(message="Enter the name of the person who signs certificates."), Length(max=120)])
    signatory_role = StringField("Signatory role", filters=[_strip], validators=[
        DataRequired(message="Enter the signatory’s role, such as Designated Safeguarding Lead."), Length(max=120)])
    certificate_prefix = StringField("Certificate number prefix", filters=[_strip, _upper], validators=[
        DataRequired(message="Enter a prefix of 2 to 12 letters or digits."),
        Regexp(r"^[A-Z0-9]{2,12}$", message="Use 2 to 12 letters A to Z or digits, with no spaces or symbols.")])
    due_soon_days = IntegerField("“Due soon” window (days)", validators=[
        InputRequired(message=DAYS_MESSAGE), NumberRange(min=1, max=365, message=DAYS_MESSAGE)])
    update_days = IntegerField("Days to take an update quiz after a material change", default=30, validators=[
        InputRequired(message=DAYS_MESSAGE), NumberRange(min=1, max=365, message=DAYS_MESSAGE)])
    session_idle_minutes = IntegerField(
        "Sign out after this many minutes unused", default=DEFAULT_IDLE_MINUTES, validators=[
            InputRequired(message=IDLE_MESSAGE),
            NumberRange(min=IDLE_MINUTES[0], max=IDLE_MINUTES[1], message=IDLE_MESSAGE)])
    session_max_hours = IntegerField(
        "Sign out after this many hours in any case", default=DEFAULT_MAX_HOURS, validators=[
            InputRequired(message=MAX_MESSAGE), NumberRange(min=MAX_HOURS[0], max=MAX_HOURS[1], message=MAX_MESSAGE)])
    data_protection_contact = StringField("Data protection contact", filters=[_strip], validators=[
        Length(max=300, message="Keep the data protection contact to 300 characters.")])
    retention_years = IntegerField("Years to keep a leaver’s records", default=6, validators=[
        InputRequired(message=YEARS_MESSAGE), NumberRange(min=1, max=RETENTION_YEARS_MAX, message=YEARS_MESSAGE)])
    keep_verifiable = BooleanField("Keep certificates verifiable after a leaver’s records are removed", default=True)
    logo_bytes: bytes | None = None
    logo_mime: str | None = None

    def validate_session_idle_minutes(self, field: IntegerField) -> None:
        """An idle limit longer than the maximum would never apply, which is surely a slip."""
        hours = self.session_max_hours.data
        if field.data is not None and isinstance(hours, int) and field.data > hours * 60:
            raise ValidationError("Make this no longer than the hours in any case below "
                                  f"({hours} hours is {hours * 60} minutes).")

    def validate_data_protection_contact(self, field: StringField) -> None:
        """Shown on the privacy page as one line."""
        if has_control(field.data or ""):
            raise ValidationError("Put the data protection contact on one line, without tabs.")

    def validate_org_name(self, field: StringField) -> None:
        """The name goes into every reminder's subject line, so it must be one line of plain text."""
        if has_control(field.data or ""):
            raise ValidationError("The organisation name must be on one line, without tabs or other control "
                                  "characters.")

    def validate_logo(self, field: FileField) -> None:
        """Read at most 1 MB and one byte and check it really is a usable PNG or JPEG."""
        if not field.data:
            return
        if self.remove_logo.data:
            raise ValidationError("Choose a new logo or tick “Remove the current logo”, not both.")
        data = field.data.stream.read(MAX_LOGO_BYTES + 1)
        try:
            self.logo_mime = check_logo(data)
        except LogoRefused as exc:
            raise ValidationError(str(exc)) from None
        self.logo_bytes = data


def _changes(form: SettingsForm, settings: OrgSettings) -> dict[str, Any]:
    changes: dict[str, Any] = {name: [getattr(settings, name), form[name].data] for name in TEXT_FIELDS
                               if getattr(settings, name) != form[name].data}
    if form.logo_bytes is not None:
        changes["logo"] = f"replaced (sha256 {hashlib.sha256(form.logo_bytes).hexdigest()[:16]})"
    elif form.remove_logo.data and settings.logo is not None:
        changes["logo"] = "removed"
    return changes


def _apply(form: SettingsForm, settings: OrgSettings, changes: dict[str, Any]) -> None:
    for name in TEXT_FIELDS:
        if name in changes:
            setattr(settings, name, form[name].data)
    if "logo" in changes:
        settings.logo, settings.logo_mime = form.logo_bytes, form.logo_mime
    db.session.flush()
    record(db.session, current_user, "settings.update", "settings", **changes)


def _logo_url(settings: OrgSettings) -> str | None:
    # A data: URL (allowed by the CSP) spares an extra route; the MIME type is one we checked on upload.
    if settings.logo is None or settings.logo_mime not in ("image/png", "image/jpeg"):
        return None
    return f"data:{settings.logo_mime};base64,{base64.b64encode(settings.logo).decode('ascii')}"


@bp.route("/settings", methods=["GET", "POST"])
@allow(Role.ADMIN)
def settings() -> str | Response:
    """Show and change the organisation settings; every change is audited."""
    current = OrgSettings.current(db.session)
    form = SettingsForm(data={name: getattr(current, name) for name in TEXT_FIELDS})
    if form.validate_on_submit():
        changes = _changes(form, current)
        if not changes:
            flash("Nothing has changed.", "info")
        else:
            _apply(form, current, changes)
            flash("Settings saved. They apply to certificates issued from now on.", "success")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form, logo_url=_logo_url(current))
