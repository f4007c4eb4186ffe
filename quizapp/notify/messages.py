"""The e-mails the app sends, rendered from templates/mail/ (plain text, with an HTML alternative)."""
from __future__ import annotations

from email.message import EmailMessage
from typing import Any, Protocol
from urllib.parse import urlsplit

from flask import current_app
from jinja2 import TemplateError

from .mail import BUILD_ERRORS, Outgoing, build_message


class Recipient(Protocol):
    """Anyone with an address and a name: a User, or a row from the reminders query."""

    email: str
    first_name: str

    @property
    def full_name(self) -> str:
        """First and last name."""


def render_mail(name: str, **context: Any) -> tuple[str, str]:
    """Render mail/NAME.txt and mail/NAME.html; no request is needed, so the CLI can use it too."""
    env = current_app.jinja_env
    return (env.get_template(f"mail/{name}.txt").render(**context),
            env.get_template(f"mail/{name}.html").render(**context))


def compose(name: str, subject: str, to: Recipient, **context: Any) -> EmailMessage:
    """One message to a person from the configured sender."""
    text, html = render_mail(name, person=to, **context)
    return build_message(current_app.config.get("MAIL_FROM") or "quizapp@localhost", to.email, subject, text, html,
                         to_name=to.full_name)


def compose_or_reason(name: str, subject: str, to: Recipient, **context: Any) -> Outgoing:
    """Like compose, but a message that cannot be built gives the reason instead, so a batch carries on."""
    try:
        return compose(name, subject, to, **context)
    except (*BUILD_ERRORS, TemplateError) as exc:
        return f"could not be built: {exc}"


def external_url(base_url: str, endpoint: str, **values: Any) -> str:
    """An absolute address for an endpoint under the public base URL, with or without a request."""
    parts = urlsplit(base_url)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path.rstrip("/") or "/",
                                       url_scheme=parts.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)
