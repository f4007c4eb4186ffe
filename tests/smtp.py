"""A real SMTP server for tests (aiosmtpd on loopback) that keeps what it receives."""
from __future__ import annotations

import asyncio
import email
import socket
import time
from email import policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from flask import Flask


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.port = 0
        self.delay = delay  # seconds before each message is accepted, like a slow relay
        self.reject: dict[str, str] = {}  # address -> the reply that refuses it, e.g. "550 5.1.1 No such mailbox"
        self.busy = 0  # this many messages are answered "451 try again later" first
        self.times: list[float] = []  # time.monotonic() of each message accepted

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          options: Any) -> str:
        if address in self.reject:
            return self.reject[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd API)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.busy > 0:
            self.busy -= 1
            return "451 4.3.0 Try again later"
        self.times.append(time.monotonic())
        self.recipients.append(list(envelope.rcpt_tos))
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages addressed to this address."""
        return [m for m, rcpt in zip(self.messages, self.recipients, strict=True) if address in rcpt]

    @staticmethod
    def text(message: EmailMessage) -> str:
        """The plain-text body."""
        body = message.get_body(preferencelist=("plain",)).get_content()
        return body.replace("\r\n", "\n")


def free_port() -> int:
    """A TCP port nobody is listening on just now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(delay: float = 0.0, **kwargs: Any) -> tuple[Inbox, Controller]:
    """A real SMTP server on 127.0.0.1 at a free port (each message taking `delay` seconds)."""
    inbox = Inbox(delay)
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port, **kwargs)
    controller.start()
    return inbox, controller


def use_smtp(app: Flask, inbox: Inbox) -> None:
    """Point the app's mail settings at the test server."""
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=inbox.port, MAIL_TLS="none", MAIL_FROM="training@school.test")
