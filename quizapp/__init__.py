"""quizapp: safeguarding training for UK schools."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from .config import load_settings, shared_limits_warning, trusted_hosts


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; no migrations, prompts or network calls happen here."""
    app = Flask(__name__, instance_relative_config=True)
    config = dict(config or {})
    app.config.update(load_settings(Path(app.instance_path), given=config))
    app.config.update(config)
    app.config.setdefault("TRUSTED_HOSTS", None)
    if "TRUSTED_HOSTS" not in config:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    _init_proxies(app)
    _init_extensions(app)
    _register_blueprints(app)
    from .cli import register_cli

    register_cli(app)
    return app


def _init_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For/Proto/Host only from the declared number of proxies (none by default)."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
    warning = shared_limits_warning(app.config)
    if warning:
        app.logger.warning(warning)


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (registers tables)
    from .extensions import csrf, db, init_limiter, login_manager
    from .web.context import init_context
    from .web.security import init_security

    db.init_app(app)
    csrf.init_app(app)
    init_limiter(app)
    login_manager.init_app(app)
    init_security(app)
    init_context(app)
    from .jobs.queue import init_app as init_queue
    from .people.session_store import init_app as init_session_store

    init_session_store(app)

    init_queue(app)


def _register_blueprints(app: Flask) -> None:
    from .web import account, admin, auth, dsl, errors, external, join, main, oidc, public, reminders, staff

    for blueprint in (main.bp, auth.bp, oidc.bp, account.bp, public.bp, staff.bp, dsl.bp, reminders.bp, join.bp,
                      admin.bp, external.bp):
        app.register_blueprint(blueprint)
    errors.register(app)
