"""Signing in and out."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.wrappers import Response

from ..audit import record
from ..db import utcnow
from ..extensions import db, limiter
from ..people.accounts import authenticate
from ..people.join_requests import is_waiting
from .forms import SignInForm
from .main import landing_url
from .oidc import SIGNED_IN_WITH, after_sign_out, refuse_password_sign_in
from .permissions import PUBLIC, SIGNED_IN, allow
from .sign_in_session import begin_session, end_this_session
from .throttle import ACCOUNT_ADDRESS_FAILURES, ADDRESS_FAILURES, account_address_key, count_failure, slow_down
from .urls import safe_next

bp = Blueprint("auth", __name__)
WAITING = ("Your request to join is waiting for the school's safeguarding lead to approve it. "
           "You can sign in once it is approved.")


def _failed(_response: Response) -> bool:
    return bool(g.get("sign_in_failed"))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(ADDRESS_FAILURES, methods=["POST"], key_func=get_remote_address, deduct_when=_failed,
               scope="sign-in-address")
@limiter.limit(ACCOUNT_ADDRESS_FAILURES, methods=["POST"], key_func=account_address_key, deduct_when=_failed,
               scope="sign-in-account-address")
@allow(PUBLIC)
def sign_in() -> str | Response:
    """Show the sign-in form and sign a person in."""
    if current_user.is_authenticated:
        return redirect(landing_url())
    form = SignInForm()
    slowed = 0.0
    if form.validate_on_submit() and not refuse_password_sign_in(form):
        email = (form.email.data or "").strip().lower()
        slowed = slow_down(email)
        user = authenticate(db.session, email, form.password.data or "", utcnow())
        if user is not None:
            next_url = safe_next(request.args.get("next"))
            begin_session(user)
            return redirect(next_url or landing_url())
        g.sign_in_failed = True
        count_failure(email)
        form.form_errors.append(WAITING if is_waiting(db.session, email, form.password.data or "")
                                else "The email or password is not right. Check them and try again.")
    return render_template("auth/sign_in.html", form=form, slowed=slowed)


@bp.route("/sign-out", methods=["POST"])
@allow(SIGNED_IN)
def sign_out() -> Response:
    """Sign the current person out (POST with CSRF, so a link cannot do it)."""
    record(db.session, current_user, "auth.sign_out", f"user:{current_user.id}")
    signed_in_with = session.get(SIGNED_IN_WITH)
    end_this_session()
    flash("You have signed out.", "info")
    return after_sign_out(signed_in_with) or redirect(url_for("auth.sign_in"))
