"""Error pages in the site layout."""
from __future__ import annotations

import time

from flask import Flask, Response, jsonify, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

MESSAGES = {
    400: (
        "Something was wrong with that request",
        "The form may have expired. Go back, reload the page and try again.",
    ),
    401: ("Please sign in", "You need to sign in to see this page."),
    403: ("You do not have access to this page", "If you think you should, ask your administrator."),
    404: ("Page not found", "Check the address, or go back to the home page."),
    405: ("That action is not allowed here", "Go back and use the buttons on the page."),
    413: ("That file is too large", "Choose a smaller file and try again."),
    429: ("Too many attempts", "Please wait and try again."),
    500: ("Sorry, something went wrong", "The problem has been logged. Try again in a few minutes."),
}


def _render(code: int, detail: str | None = None, retry_after: int | None = None) -> tuple[str, int]:
    title, body = MESSAGES.get(code, (f"Error {code}", ""))
    return render_template("error.html", code=code, title=title, body=detail or body, retry_after=retry_after), code


def _rate_limited(_error: RateLimitExceeded) -> tuple[str, int, dict[str, str]]:
    from ..extensions import limiter

    current = limiter.current_limit
    retry_after = max(1, current.reset_at - int(time.time())) if current else 60
    html, code = _render(429, retry_after=retry_after)
    return html, code, {"Retry-After": str(retry_after)}


def _http_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    detail = error.description if code == 400 and getattr(error, "description", None) else None
    return _render(code, detail)


def _csrf_error(error: CSRFError) -> tuple[str, int] | tuple[Response, int]:
    """A page script gets JSON: signed out (401) if the session has gone, else a stale token it can renew."""
    if not request.is_json:
        return _http_error(error)
    from flask_login import current_user

    from .permissions import signed_out_json

    if not current_user.is_authenticated:
        return signed_out_json()
    return jsonify(saved=False, stale_token=True, message="The page's security token had expired."), 400


def _untrusted_host(_error: SecurityError) -> tuple[str, int, dict[str, str]]:
    """A Host not in TRUSTED_HOSTS: no page in the layout, whose links would need that very host."""
    return "Bad request: this site is not served at that address.\n", 400, {"Content-Type": "text/plain"}


def _server_error(_error: Exception) -> tuple[str, int]:
    return _render(500)


def register(app: Flask) -> None:
    """Install the error handlers."""
    app.register_error_handler(RateLimitExceeded, _rate_limited)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(SecurityError, _untrusted_host)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _server_error)
