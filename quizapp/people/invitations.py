"""Sending set-password links by e-mail: invitations for new people and password resets."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ..audit import record
from ..models import OrgSettings, User
from ..notify.messages import external_url
from ..notify.outbox import queue_mail
from .tokens import Purpose, lifetime, make_token

ENDPOINTS = {Purpose.INVITE: "account.invitation", Purpose.RESET: "account.reset_password"}
SUBJECTS = {Purpose.INVITE: "Set your password for {org} safeguarding training",
            Purpose.RESET: "Reset your password for {org} safeguarding training"}


@dataclass
class SendResult:
    """Who was sent a link, and who could not be, with the reason."""

    sent: list[User] = field(default_factory=list)
    failed: list[tuple[User, str]] = field(default_factory=list)


def _hours(config: Mapping[str, Any], purpose: Purpose) -> str:
    hours = lifetime(config, purpose).total_seconds() / 3600
    return f"{hours:g} hour{'' if hours == 1 else 's'}"


def send_links(session: Session, users: Sequence[User], purpose: Purpose, *, config: Mapping[str, Any],
               base_url: str, now: datetime, actor: User | None) -> SendResult:
    """Queue for each person an e-mail with a signed, single-use link for `purpose` (flush only; the worker sends
    it after the commit); one audit event per person queued."""
    org = OrgSettings.current(session).org_name
    sign_in_url = external_url(base_url, "auth.sign_in")
    forgotten_url = external_url(base_url, "account.forgotten")
    result = SendResult()
    for user in users:
        problem = queue_mail(session, purpose.value, SUBJECTS[purpose].format(org=org), user, kind=purpose.value,
                         now=now, user_id=user.id, org=org,
                         link=external_url(base_url, ENDPOINTS[purpose],
                                           token=make_token(config["SECRET_KEY"], purpose, user, now)),
                         hours=_hours(config, purpose), expires=now + lifetime(config, purpose),
                         sign_in_url=sign_in_url, forgotten_url=forgotten_url)
        if problem:
            result.failed.append((user, problem))
            continue
        result.sent.append(user)
        record(session, actor, f"account.{purpose.value}_sent", f"user:{user.id}", email=user.email)
    session.flush()
    return result
