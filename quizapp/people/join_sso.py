"""Joining by a link with a sign-in provider's account instead of a password: the DSL still approves."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..models import JoinLink, JoinRequest, JoinState, OidcLink
from .accounts import find_by_email
from .join_links import LinkState, link_state
from .join_requests import LinkUnusable, take_a_use
from .oidc import ProviderConfig
from .oidc_accounts import checked_email, names_of, subject_of


class JoinedBy(enum.Enum):
    """What came of joining with a provider: a new request, one already waiting, or an account that exists."""

    REQUESTED = "requested"
    WAITING = "waiting"
    HAS_ACCOUNT = "has account"


def join_with_provider(session: Session, link: JoinLink, provider: ProviderConfig, claims: dict[str, Any],
                       now: datetime) -> JoinedBy:
    """Record a request from verified claims (flush only); raises OidcRefused or LinkUnusable.

    Unlike the password form, the person has proved who they are, so saying that they already have an
    account (or a waiting request) tells nobody anything they did not know.
    """
    state = link_state(link, now)
    if state is not LinkState.OPEN:
        raise LinkUnusable(state)
    subject = subject_of(provider, claims)
    email = checked_email(provider, claims, subject)
    if find_by_email(session, email) is not None or _linked(session, provider, subject):
        return JoinedBy.HAS_ACCOUNT
    if session.scalar(select(JoinRequest.id).where(JoinRequest.email == email,
                                                   JoinRequest.state == JoinState.WAITING.value)) is not None:
        return JoinedBy.WAITING
    if not take_a_use(session, link, now):
        raise LinkUnusable(link_state(link, now))
    first, last = names_of(claims, email)
    request = JoinRequest(link_id=link.id, email=email, first_name=first, last_name=last, password_hash=None,
                          oidc_issuer=provider.issuer, oidc_subject=subject, created_at=now)
    session.add(request)
    session.flush()
    record(session, None, "join.request", f"join_request:{request.id}", link_id=link.id, issuer=provider.issuer)
    return JoinedBy.REQUESTED


def _linked(session: Session, provider: ProviderConfig, subject: str) -> bool:
    return session.scalar(select(OidcLink.id).where(OidcLink.issuer == provider.issuer,
                                                    OidcLink.subject == subject)) is not None

