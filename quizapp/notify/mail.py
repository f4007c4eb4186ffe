"""Building and sending e-mail: SMTP (STARTTLS, SSL or plain) or, with no host, .eml files in instance/outbox/."""
from __future__ import annotations

import contextlib
import smtplib
import ssl
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from ..db import utcnow

TLS_MODES = ("starttls", "ssl", "none")
# What a message with a broken header or body raises when it is built or turned into bytes.
BUILD_ERRORS = (ValueError, TypeError, UnicodeError, MessageError)
# A message, or the reason it could not be built (passed through deliver as that message's failure).
Outgoing = EmailMessage | str


class MailError(RuntimeError):
    """Mail could not be sent; the message says why."""


@dataclass(frozen=True)
class MailSettings:
    """Where and how mail goes: SMTP when `host` is set, else .eml files in `outbox`."""

    host: str | None
    port: int
    tls: str
    user: str | None
    password: str | None
    sender: str
    outbox: Path
    timeout: float = 30.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any], instance_path: str | Path) -> MailSettings:
        """Read the MAIL_* settings (QUIZAPP_MAIL_* in the environment)."""
        tls = str(config.get("MAIL_TLS") or "starttls").lower()
        if tls not in TLS_MODES:
            raise MailError(f"QUIZAPP_MAIL_TLS must be one of {', '.join(TLS_MODES)}, not {tls!r}.")
        return cls(host=config.get("MAIL_HOST") or None, port=int(config.get("MAIL_PORT") or 587), tls=tls,
                   user=config.get("MAIL_USER") or None, password=config.get("MAIL_PASSWORD") or None,
                   sender=config.get("MAIL_FROM") or "quizapp@localhost", outbox=Path(instance_path) / "outbox",
                   timeout=float(config.get("MAIL_TIMEOUT") or 30))


def settings_for(app: Any) -> MailSettings:
    """The mail settings of a Flask app (its config and instance folder)."""
    return MailSettings.from_config(app.config, app.instance_path)


def build_message(sender: str, to: str, subject: str, text: str, html: str | None = None,
                  to_name: str | None = None) -> EmailMessage:
    """A plain-text message, with an HTML alternative when given."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(display_name=to_name or "", addr_spec=to)
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    # An explicit domain avoids make_msgid's reverse DNS lookup of this host.
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or "localhost")
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def _connect(settings: MailSettings) -> smtplib.SMTP:
    if not settings.host:
        raise MailError("No mail host is set.")
    context = ssl.create_default_context()
    if settings.tls == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                               context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.tls == "starttls":
            smtp.starttls(context=context)
    if settings.user:
        smtp.login(settings.user, settings.password or "")
    return smtp


def _write_outbox(outbox: Path, message: EmailMessage) -> None:
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:12]}.eml"
    (outbox / name).write_bytes(bytes(message))


def _to_outbox(outbox: Path, message: Outgoing) -> str | None:
    if isinstance(message, str):
        return message
    try:
        _write_outbox(outbox, message)
    except BUILD_ERRORS as exc:
        return f"could not be built: {exc}"
    return None


def _send_one(smtp: smtplib.SMTP, message: Outgoing) -> str | None:
    if isinstance(message, str):
        return message
    try:
        smtp.send_message(message)
    except BUILD_ERRORS as exc:
        return f"could not be built: {exc}"
    except smtplib.SMTPServerDisconnected:
        raise
    except (OSError, smtplib.SMTPException) as exc:
        return f"refused: {exc}"
    return None


def deliver(settings: MailSettings, messages: Sequence[Outgoing]) -> list[str | None]:
    """Send each message on its own over one connection; per message, None when sent or the reason it was not.

    One message that cannot be built or is refused never stops the others.
    """
    if not messages:
        return []
    if not settings.host:
        return [_to_outbox(settings.outbox, message) for message in messages]
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        return [m if isinstance(m, str) else f"could not reach the mail server: {exc}" for m in messages]
    results: list[str | None] = []
    with smtp:
        for message in messages:
            try:
                results.append(_send_one(smtp, message))
            except smtplib.SMTPServerDisconnected as exc:
                results.extend([f"the mail server disconnected: {exc}"] * (len(messages) - len(results)))
                return results
    return results


def send(settings: MailSettings, message: EmailMessage) -> None:
    """Send one message, raising MailError when it cannot be sent."""
    (problem,) = deliver(settings, [message])
    if problem:
        raise MailError(problem)


@dataclass(frozen=True)
class Outcome:
    """What became of one message: sent, or the reason and whether trying again later may help."""

    problem: str | None = None
    temporary: bool = False

    @property
    def sent(self) -> bool:
        """Whether the server accepted it."""
        return self.problem is None


def _classify(exc: Exception) -> Outcome:
    """4xx replies, refused connections and timeouts are worth retrying; 5xx replies and bad addresses are not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        reason = "; ".join(f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
                           for code, text in exc.recipients.values())
        return Outcome(f"refused: {reason}", temporary=all(400 <= code < 500 for code in codes))
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return Outcome(f"refused: {exc.smtp_code} {text}", temporary=not 500 <= exc.smtp_code < 600)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return Outcome(f"the mail server disconnected: {exc}", temporary=True)
    return Outcome(f"could not reach the mail server: {exc}", temporary=True)


class Mailer:
    """One SMTP connection reused for many messages, reopened after a failure; `with Mailer(settings) as m:`."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Say goodbye to the server, if connected."""
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None

    def send(self, message: EmailMessage) -> Outcome:
        """Send one message (or write it to the .eml folder when no host is set)."""
        if not self.settings.host:
            problem = _to_outbox(self.settings.outbox, message)
            return Outcome(problem)
        try:
            if self._smtp is None:
                self._smtp = _connect(self.settings)
            self._smtp.send_message(message)
        except BUILD_ERRORS as exc:
            return Outcome(f"could not be built: {exc}")
        except (OSError, smtplib.SMTPException) as exc:
            outcome = _classify(exc)
            if not isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
                self.close()  # the connection may be unusable; the next message opens a fresh one
            return outcome
        return Outcome()
