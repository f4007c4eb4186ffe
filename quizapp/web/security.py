"""Request-wide security and transaction handling: headers, sessions, sign-in loading, commit."""
from __future__ import annotations

from flask import Flask, Response, g, request

from ..extensions import db, login_manager
from .sign_in_session import load_user

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'; frame-ancestors 'none'"
)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.endpoint and not request.endpoint.startswith("static"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def keep_changes(reason: str) -> None:
    """Commit this request's changes even though it answers with an error; `reason` says why (for the log)."""
    g.keep_changes = reason


def _finish_transaction(response: Response) -> Response:
    """The request's one commit point: commit on success (or when the view said to keep its changes), else roll back."""
    if not db.session_started:
        return response
    session = db.session
    if response.status_code < 400 or g.get("keep_changes"):
        session.commit()
    else:
        session.rollback()
    return response


def init_security(app: Flask) -> None:
    """Install the transaction boundary, security headers and Flask-Login loading."""
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    app.after_request(_finish_transaction)
    app.after_request(_security_headers)
