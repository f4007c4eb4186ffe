"""Unbound extension objects, bound to an app in create_app."""
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from .db import Database

db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_limiter(app: Flask) -> None:
    """Bind the limiter; every limit is a decorator on its own view, and those decorators check themselves."""
    limiter.init_app(app)
    # With no default or application-wide limit there is nothing for the check Flask-Limiter runs before
    # every request to enforce, yet it cost about a sixth of an answer save under load (bench/README.md).
    # Decorated limits are checked by their decorators, so dropping it changes no limit (tests/web cover 429).
    app.before_request_funcs[None] = [hook for hook in app.before_request_funcs[None]
                                      if getattr(hook, "__self__", None) is not limiter]
