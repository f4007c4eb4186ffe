"""Settings read from the environment (prefix QUIZAPP_), failing fast on what production must set."""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

from .db import utcnow

PREFIX = "QUIZAPP_"


class ConfigError(SystemExit):
    """A missing or invalid setting: exits start-up with one line naming it."""


def _env(environ: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    value = environ.get(PREFIX + name)
    return value if value not in (None, "") else default


def _embedded_secret(instance_path: Path) -> str:
    """Read the embedded default's secret key, creating it once (mode 600) if absent."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def load_settings(
    instance_path: Path, environ: Mapping[str, str] | None = None, given: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Build the Flask config mapping from QUIZAPP_* variables; `given` settings win and skip their checks."""
    environ = os.environ if environ is None else environ
    given = given or {}
    env = _env(environ, "ENV", "development")
    production = env == "production"
    database_url = given.get("DATABASE_URL") or _env(environ, "DATABASE_URL")
    secret_key = given.get("SECRET_KEY") or _env(environ, "SECRET_KEY")
    base = given.get("BASE_URL") or _env(environ, "BASE_URL")
    if production:
        for name, value in (("SECRET_KEY", secret_key), ("DATABASE_URL", database_url), ("BASE_URL", base)):
            if not value:
                raise ConfigError(f"quizapp: {PREFIX}{name} must be set when {PREFIX}ENV=production")
    if database_url is None:
        database_url = f"sqlite:///{instance_path / 'quizapp.sqlite3'}"
    redis_url = _env(environ, "REDIS_URL")
    return {
        **_oidc_settings(environ),
        "QUIZAPP_ENV": env,
        "SECRET_KEY": secret_key or _embedded_secret(instance_path),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "BASE_URL": _checked_base_url(base),
        # How many reverse proxies stand in front (X-Forwarded-* is believed from that many, no more).
        "TRUSTED_PROXIES": _count(environ, "TRUSTED_PROXIES"),
        # Tokens last as long as the session, so a long quiz never loses a save or its submit to expiry.
        "WTF_CSRF_TIME_LIMIT": None,
        "MAIL_HOST": _env(environ, "MAIL_HOST"),
        "MAIL_PORT": int(_env(environ, "MAIL_PORT", "587") or 587),
        "MAIL_TLS": (_env(environ, "MAIL_TLS", "starttls") or "starttls").lower(),
        "MAIL_USER": _env(environ, "MAIL_USER"),
        "MAIL_PASSWORD": _env(environ, "MAIL_PASSWORD"),
        "MAIL_FROM": _env(environ, "MAIL_FROM", "quizapp@localhost"),
        # Lifetimes of set-password links in hours (people, quizapp.people.tokens).
        "INVITE_LINK_HOURS": float(_env(environ, "INVITE_LINK_HOURS", "72") or 72),
        "RESET_LINK_HOURS": float(_env(environ, "RESET_LINK_HOURS", "1") or 1),
        **_queue_settings(environ),
    }


def _queue_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """The task queue and the outbox: Huey's name and file, worker threads, the daily hour, mail retries."""
    hour = _count(environ, "REMINDER_HOUR", "7")
    if hour > 23:
        raise ConfigError(f"quizapp: {PREFIX}REMINDER_HOUR must be an hour from 0 to 23 (UK time), not {hour}")
    per_minute = _count(environ, "MAIL_PER_MINUTE", "0")
    return {"QUEUE_NAME": _env(environ, "QUEUE_NAME", "quizapp"), "QUEUE_FILE": _env(environ, "QUEUE_FILE"),
            "WORKERS": max(1, _count(environ, "WORKERS", "2")), "REMINDER_HOUR": hour,
            "MAIL_PER_MINUTE": per_minute or None,
            "MAIL_MAX_ATTEMPTS": max(1, _count(environ, "MAIL_MAX_ATTEMPTS", "6")),
            "MAIL_RETRY_SECONDS": float(_env(environ, "MAIL_RETRY_SECONDS", "60") or 60),
            "MAIL_LEASE_SECONDS": float(_env(environ, "MAIL_LEASE_SECONDS", "300") or 300),
            "MAIL_TIMEOUT": float(_env(environ, "MAIL_TIMEOUT", "30") or 30),
            # Bulk jobs: where built files are kept (shared by web and worker machines), and from how many CSV
            # rows a people import is applied by the worker rather than in the request.
            "JOB_FILES_DIR": _env(environ, "JOB_FILES_DIR"),
            "IMPORT_JOB_ROWS": max(1, _count(environ, "IMPORT_JOB_ROWS", "200"))}


def _oidc_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """The sign-in provider given by environment; an issuer without its client id and secret stops start-up."""
    issuer = _env(environ, "OIDC_ISSUER")
    settings: dict[str, Any] = {name: _env(environ, "OIDC_" + name) for name in
                                ("CLIENT_ID", "CLIENT_SECRET", "LABEL", "DOMAINS", "PRESET")}
    settings = {"OIDC_" + name: value for name, value in settings.items()}
    if issuer:
        for name in ("CLIENT_ID", "CLIENT_SECRET"):
            if not settings["OIDC_" + name]:
                raise ConfigError(f"quizapp: {PREFIX}OIDC_{name} must be set when {PREFIX}OIDC_ISSUER is set")
    return {**settings, "OIDC_ISSUER": issuer, "OIDC_CREATE_USERS": _env(environ, "OIDC_CREATE_USERS") == "1"}


def _count(environ: Mapping[str, str], name: str, default: str = "0") -> int:
    raw = _env(environ, name, default) or default
    if not raw.isdigit():
        raise ConfigError(f"quizapp: {PREFIX}{name} must be a whole number (0 or more), not {raw!r}")
    return int(raw)


def _checked_base_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"quizapp: {PREFIX}BASE_URL must be an address like https://training.example.sch.uk/")
    return value if value.endswith("/") else value + "/"


def trusted_hosts(config: Mapping[str, Any]) -> list[str]:
    """The Host names requests may use: the base URL's (and SERVER_NAME's), plus loopback outside production."""
    hosts = [urlsplit(str(url)).hostname or "" for url in (config.get("BASE_URL"), ) if url]
    if config.get("SERVER_NAME"):
        hosts.append(str(config["SERVER_NAME"]).partition(":")[0])
    if config.get("QUIZAPP_ENV") != "production":
        hosts += ["localhost", "127.0.0.1"]
    return list(dict.fromkeys(host for host in hosts if host))


def shared_limits_warning(config: Mapping[str, Any]) -> str | None:
    """A loud start-up warning when production counts sign-in limits in this process's memory only."""
    if config.get("QUIZAPP_ENV") != "production":
        return None
    if str(config.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://"):
        return (f"quizapp: {PREFIX}REDIS_URL is not set, so each worker counts sign-in and reset limits on its "
                "own and they are that many times looser; set it for any deployment with more than one worker.")
    return None


def now() -> datetime:
    """The current time in UTC; tests inject a clock through app.config["CLOCK"]."""
    moment: datetime = current_app.config.get("CLOCK", utcnow)()
    return moment


DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000/"


def base_url() -> str:
    """The public base address for links in mail and PDFs: QUIZAPP_BASE_URL (required in production).

    Only in development, with none set, the request's own address stands in: TRUSTED_HOSTS has already
    limited it to loopback (or SERVER_NAME), so a forged Host is refused before it could reach a link.
    """
    configured: str | None = current_app.config.get("BASE_URL")
    if configured:
        return configured
    return request.host_url if has_request_context() else DEVELOPMENT_BASE_URL
