"""Sign-in throttling that cannot be turned against a person: refusals per client, delays per account.

Failures are refused per client address and per (account, client address), so an attacker locks out only
themselves. Failures for one account from anywhere only slow that account down (a growing, capped delay
before the password is checked), so the right password still signs in, just later.
"""
from __future__ import annotations

import time

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import parse

from ..extensions import limiter

ADDRESS_FAILURES = "30 per minute"
ACCOUNT_ADDRESS_FAILURES = "10 per minute"
# Failures for one account from every address, counted over this window.
ACCOUNT_WINDOW = parse("1000000 per 15 minutes")
FREE_FAILURES = 5
FIRST_DELAY = 0.5
MAX_DELAY = 8.0


def email_field() -> str:
    """The address typed into the form, normalised."""
    return (request.form.get("email") or "").strip().lower()


def account_address_key() -> str:
    """One key per (account, client address): an attacker's failures never refuse the person's own address."""
    return f"account:{email_field()}|{get_remote_address()}"


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def account_failures(email: str) -> int:
    """Failed sign-ins for this account from every address in the window (shared storage when Redis is set)."""
    if not _enabled():
        return 0
    stats = limiter.limiter.get_window_stats(ACCOUNT_WINDOW, "sign-in-account-failures", email)
    return ACCOUNT_WINDOW.amount - stats.remaining


def count_failure(email: str) -> None:
    """Count one failed sign-in for this account."""
    if _enabled():
        limiter.limiter.hit(ACCOUNT_WINDOW, "sign-in-account-failures", email)


def delay_for(failures: int) -> float:
    """Seconds to wait before checking a password: none at first, then doubling up to MAX_DELAY."""
    if failures < FREE_FAILURES:
        return 0.0
    return float(min(MAX_DELAY, FIRST_DELAY * 2 ** (failures - FREE_FAILURES)))


def slow_down(email: str) -> float:
    """Wait as long as this account's recent failures ask for; returns the seconds waited."""
    seconds = delay_for(account_failures(email))
    if seconds:
        # Injected like the clock, so tests can see the delay without waiting for it.
        current_app.config.get("SLEEP", time.sleep)(seconds)
    return seconds
