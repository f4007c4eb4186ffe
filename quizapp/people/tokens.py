"""Signed, single-use, expiring links for invitations and password resets."""
from __future__ import annotations

import enum
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from ..audit import record
from ..models import User
from ..people.accounts import check_password_rules, hash_password
from .session_store import end_all_sessions


class Purpose(enum.StrEnum):
    """What a link is for; each purpose signs with its own salt, so one cannot stand in for the other."""

    INVITE = "invite"
    RESET = "reset"


SALTS = {Purpose.INVITE: "quizapp.account.invitation", Purpose.RESET: "quizapp.account.password-reset"}
# Config keys (hours) and their defaults: 72 h for an invitation, 1 h for a reset.
LIFETIME_SETTINGS = {Purpose.INVITE: ("INVITE_LINK_HOURS", 72), Purpose.RESET: ("RESET_LINK_HOURS", 1)}


class LinkProblem(enum.StrEnum):
    """Why a link cannot be used."""

    EXPIRED = "expired"
    USED = "used"
    INVALID = "invalid"


class LinkError(Exception):
    """A link that cannot be used; `problem` says why."""

    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class _ClockSigner(TimestampSigner):
    """A timestamp signer that reads the injected time instead of the system clock."""

    def __init__(self, *args: Any, now: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._now = now

    def get_timestamp(self) -> int:
        """The injected time as a Unix timestamp."""
        return int(self._now.timestamp())


def clock_serializer(secret_key: str, salt: str, now: datetime) -> URLSafeTimedSerializer:
    """A URL-safe timed serializer whose signing time and age checks use `now`."""
    return URLSafeTimedSerializer(secret_key, salt=salt, signer=_ClockSigner, signer_kwargs={"now": now})


def _serializer(secret_key: str, purpose: Purpose, now: datetime) -> URLSafeTimedSerializer:
    return clock_serializer(secret_key, SALTS[purpose], now)


def lifetime(config: Mapping[str, Any], purpose: Purpose) -> timedelta:
    """How long a link for this purpose stays valid (settings INVITE_LINK_HOURS / RESET_LINK_HOURS)."""
    key, default = LIFETIME_SETTINGS[purpose]
    return timedelta(hours=float(config.get(key) or default))


def make_token(secret_key: str, purpose: Purpose, user: User, now: datetime) -> str:
    """A URL-safe token naming the person and their current nonce, signed at `now`."""
    return _serializer(secret_key, purpose, now).dumps({"u": user.id, "n": user.auth_nonce})


def read_token(session: Session, secret_key: str, purpose: Purpose, token: str, now: datetime,
               max_age: timedelta) -> User:
    """The active person a token names, or LinkError saying whether it expired, was used or is invalid."""
    try:
        data = _serializer(secret_key, purpose, now).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise LinkError(LinkProblem.EXPIRED) from None
    except BadSignature:
        raise LinkError(LinkProblem.INVALID) from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("n"), str):
        raise LinkError(LinkProblem.INVALID)
    user = session.get(User, data["u"])
    if user is None or not user.active:
        raise LinkError(LinkProblem.INVALID)
    if not hmac.compare_digest(user.auth_nonce.encode(), data["n"].encode()):
        raise LinkError(LinkProblem.USED)
    return user


def rotate_nonce(user: User) -> None:
    """Give the person a new nonce, which retires every link issued so far."""
    user.auth_nonce = secrets.token_hex(8)


def set_password(session: Session, user: User, password: str, purpose: Purpose) -> None:
    """Check the rules, store the new hash, retire the link and end every session (flush only).

    Raises AccountError on "password".
    """
    check_password_rules(password, user.email)
    user.password_hash = hash_password(password)
    rotate_nonce(user)
    session.flush()
    record(session, user, "account.password_set", f"user:{user.id}", via=purpose.value)
    end_all_sessions(session, user, user, "password set")
