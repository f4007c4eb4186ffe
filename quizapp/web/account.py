"""Setting a password from an invitation or reset link, and asking for a reset link."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..config import base_url, now
from ..extensions import db, limiter
from ..notify.mail import MailError
from ..people.accounts import find_by_email
from ..people.fields import AccountError, clean_email
from ..people.invitations import send_links
from ..people.session_store import active_sessions
from ..people.tokens import LinkError, LinkProblem, Purpose, lifetime, read_token, set_password
from .forms import ConfirmForm
from .permissions import PUBLIC, SIGNED_IN, allow
from .sign_in_session import current_session

bp = Blueprint("account", __name__, url_prefix="/account")
RESET_REQUESTS = "5 per 15 minutes"
LINK_PAGE_POSTS = "20 per 15 minutes"
PROBLEM_STATUS = {LinkProblem.EXPIRED: 410, LinkProblem.USED: 410, LinkProblem.INVALID: 400}


class SetPasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField("New password", validators=[DataRequired(message="Enter a new password.")])
    confirm = PasswordField("Confirm new password", validators=[
        DataRequired(message="Enter the new password again."),
        EqualTo("password", message="The two passwords do not match. Type the same password in both boxes.")])


class ResetRequestForm(FlaskForm):
    """The address to send a link to."""

    email = EmailField("Email", validators=[DataRequired(message="Enter your email address."), Length(max=254)])


def _hours(purpose: Purpose) -> str:
    hours = lifetime(current_app.config, purpose).total_seconds() / 3600
    return f"{hours:g} hour{'' if hours == 1 else 's'}"


def _set_password_page(purpose: Purpose, token: str) -> str | Response | tuple[str, int]:
    try:
        user = read_token(db.session, current_app.config["SECRET_KEY"], purpose, token, now(),
                          lifetime(current_app.config, purpose))
    except LinkError as exc:
        return render_template("account/link_problem.html", problem=exc.problem.value, purpose=purpose.value,
                               invite_hours=_hours(Purpose.INVITE), reset_hours=_hours(Purpose.RESET)), \
            PROBLEM_STATUS[exc.problem]
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            set_password(db.session, user, form.password.data or "", purpose)
        except AccountError as exc:
            form.password.errors = [*form.password.errors, exc.message]
        else:
            logout_user()
            session.clear()
            flash("Your password is set. Sign in with your email address and new password.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("account/set_password.html", form=form, user=user, purpose=purpose.value)


def _rate_limited(view: Callable[..., Any]) -> Callable[..., Any]:
    return limiter.limit(LINK_PAGE_POSTS, methods=["POST"], key_func=get_remote_address,
                         scope="set-password-address")(view)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@_rate_limited
@allow(PUBLIC)
def invitation(token: str) -> str | Response | tuple[str, int]:
    """Choose a password from an invitation link (works once, for 72 hours by default)."""
    return _set_password_page(Purpose.INVITE, token)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@_rate_limited
@allow(PUBLIC)
def reset_password(token: str) -> str | Response | tuple[str, int]:
    """Choose a new password from a reset link (works once, for 1 hour by default)."""
    return _set_password_page(Purpose.RESET, token)


def _email_key() -> str:
    return "reset:" + (request.form.get("email") or "").strip().lower()


def _send_reset(email: str) -> None:
    """Mail a reset link when the address belongs to an active person; silent otherwise, so nothing leaks."""
    user = find_by_email(db.session, email)
    if user is None or not user.active:
        return
    try:
        result = send_links(db.session, [user], Purpose.RESET, config=current_app.config, base_url=base_url(),
                            now=now(), actor=None)
    except MailError as exc:
        current_app.logger.error("Password reset mail not sent: %s", exc)
        return
    for _user, problem in result.failed:
        current_app.logger.error("Password reset mail to user %s not sent: %s", user.id, problem)


@bp.route("/forgotten", methods=["GET", "POST"])
@limiter.limit(RESET_REQUESTS, methods=["POST"], key_func=get_remote_address, scope="reset-address")
@limiter.limit(RESET_REQUESTS, methods=["POST"], key_func=_email_key, scope="reset-account")
@allow(PUBLIC)
def forgotten() -> str:
    """Ask for a link to set a new password; the answer is the same whether or not the address is known."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        try:
            email = clean_email(form.email.data or "")
        except AccountError:
            form.email.errors = [*form.email.errors, "Enter an email address like name@example.sch.uk."]
        else:
            _send_reset(email)
            return render_template("account/reset_sent.html", email=email, hours=_hours(Purpose.RESET))
    return render_template("account/forgotten.html", form=form)


@bp.route("/")
@allow(SIGNED_IN)
def my_account() -> str:
    """The signed-in person's own account: who they are and where they are signed in."""
    this = current_session()
    return render_template("account/my_account.html", person=current_user, form=ConfirmForm(),
                           sessions=active_sessions(db.session, current_user, now()),
                           this_id=this.id if this else None)


from . import account_data, account_sessions  # noqa: E402,F401  (register "Download my data" and ending sessions)
