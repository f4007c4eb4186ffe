"""The web layer's clock and the hooks it hands to the pure operations."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, request
from sqlalchemy.orm import Session

from ..certificates.issue import issue_for
from ..db import utcnow
from ..models import Attempt


def now() -> datetime:
    """The current time; tests inject a clock through app.config["CLOCK"]."""
    return current_app.config.get("CLOCK", utcnow)()


def base_url() -> str:
    """The public base address: QUIZAPP_BASE_URL, else the address this request came in on."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured
    try:
        return request.host_url
    except RuntimeError:
        return "http://127.0.0.1:5000/"


def on_pass(session: Session, attempt: Attempt, when: datetime) -> None:
    """Issue the certificate for a passing attempt in the same transaction as the result."""
    issue_for(session, attempt, when, base_url())
