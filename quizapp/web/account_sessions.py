"""My account's sessions: sign out one browser, or everywhere (routes on the account blueprint)."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import db
from ..people.session_store import end_all_sessions, end_session, owned_session
from .account import bp
from .forms import ConfirmForm
from .permissions import SIGNED_IN, allow
from .sign_in_session import current_session, end_this_session


def _signed_out_here() -> Response:
    end_this_session()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/sessions/<session_id>/end", methods=["POST"])
@allow(SIGNED_IN)
def end_one_session(session_id: str) -> Response:
    """Sign out one of the person's own sessions (this one signs them out here)."""
    found = owned_session(db.session, current_user, session_id)
    if found is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    this = current_session()
    browser = found.user_agent
    end_session(db.session, found, current_user)
    if this is not None and this.id == session_id:
        return _signed_out_here()
    flash(f"Signed out {browser}.", "success")
    return redirect(url_for("account.my_account"))


@bp.route("/sessions/end-all", methods=["POST"])
@allow(SIGNED_IN)
def sign_out_everywhere() -> Response:
    """End every session of the person, this one included."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    end_all_sessions(db.session, current_user, current_user, "signed out everywhere")
    return _signed_out_here()
