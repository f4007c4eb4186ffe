"""Requests to join by a link: made by the newcomer, approved (the account is made) or rejected by a DSL."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from ..audit import record
from ..models import JoinLink, JoinRequest, JoinState, OidcLink, Role, User
from .accounts import check_password_rules, find_by_email, hash_password
from .fields import AccountError, clean_email, clean_name
from .join_links import LinkState, link_state


@dataclass
class JoinInput:
    """What a newcomer gives on the join page."""

    first_name: str
    last_name: str
    email: str
    password: str


def take_a_use(session: Session, link: JoinLink, now: datetime) -> bool:
    """Take one use of the link (flush only); False when none is left or it has closed."""
    # One conditional UPDATE, so two people racing for the last use cannot both get it.
    taken = session.execute(
        update(JoinLink).where(JoinLink.id == link.id, JoinLink.revoked_at.is_(None), JoinLink.expires_at > now,
                               or_(JoinLink.max_uses.is_(None), JoinLink.uses < JoinLink.max_uses))
        .values(uses=JoinLink.uses + 1).execution_options(synchronize_session=False))
    session.refresh(link)
    return bool(getattr(taken, "rowcount", 0))


def request_to_join(session: Session, link: JoinLink, data: JoinInput, now: datetime) -> JoinRequest | None:
    """Record a request (flush only); None, saying nothing more, when the e-mail already has an account or a
    waiting request, so the page cannot be used to find out who is registered. Raises AccountError or
    LinkUnusable."""
    state = link_state(link, now)
    if state is not LinkState.OPEN:
        raise LinkUnusable(state)
    email = clean_email(data.email)
    first, last = clean_name("first_name", data.first_name), clean_name("last_name", data.last_name)
    check_password_rules(data.password, email)
    waiting = session.scalar(select(func.count()).select_from(JoinRequest).where(
        JoinRequest.email == email, JoinRequest.state == JoinState.WAITING.value))
    if find_by_email(session, email) is not None or waiting:
        return None
    if not take_a_use(session, link, now):
        raise LinkUnusable(link_state(link, now))
    request = JoinRequest(link_id=link.id, email=email, first_name=first, last_name=last,
                          password_hash=hash_password(data.password), created_at=now)
    session.add(request)
    session.flush()
    record(session, None, "join.request", f"join_request:{request.id}", link_id=link.id)
    return request


class LinkUnusable(Exception):
    """The link cannot be used now; `state` says why."""

    def __init__(self, state: LinkState) -> None:
        super().__init__(state.value)
        self.state = state


def waiting_requests(session: Session, school_id: int | None) -> list[JoinRequest]:
    """Requests waiting for a decision, oldest first; one school's, or every school's for None (an admin)."""
    query = select(JoinRequest).join(JoinRequest.link).where(JoinRequest.state == JoinState.WAITING.value)
    if school_id is not None:
        query = query.where(JoinLink.school_id == school_id)
    return list(session.scalars(query.order_by(JoinRequest.created_at, JoinRequest.id)))


def approve(session: Session, request: JoinRequest, actor: User, now: datetime) -> User:
    """Make the account in the link's school and group, with the newcomer's password or provider account."""
    _check_waiting(request)
    if find_by_email(session, request.email) is not None or _provider_account_taken(session, request):
        raise AccountError("request", f"{request.email} already has an account; reject this request.")
    user = User(email=request.email, first_name=request.first_name, last_name=request.last_name,
                role=Role.STAFF.value, school_id=request.link.school_id,
                staff_group_id=request.link.staff_group_id, password_hash=request.password_hash, active=True)
    session.add(user)
    session.flush()
    _decide(request, JoinState.APPROVED, actor, now)
    if request.oidc_issuer and request.oidc_subject:
        session.add(OidcLink(user=user, issuer=request.oidc_issuer, subject=request.oidc_subject,
                             email=request.email, created_at=now))
    request.user_id = user.id
    _forget_credentials(request)
    session.flush()
    record(session, actor, "join.approve", f"join_request:{request.id}", user_id=user.id)
    record(session, actor, "user.create", f"user:{user.id}", email=user.email, role=user.role, via="join link")
    return user


def reject(session: Session, request: JoinRequest, actor: User, now: datetime, reason: str) -> None:
    """Turn the request down; the chosen password or provider account is forgotten."""
    _check_waiting(request)
    _decide(request, JoinState.REJECTED, actor, now)
    request.reason = reason.strip()[:500]
    _forget_credentials(request)
    session.flush()
    record(session, actor, "join.reject", f"join_request:{request.id}")


def _provider_account_taken(session: Session, request: JoinRequest) -> bool:
    if not request.oidc_subject:
        return False
    return session.scalar(select(OidcLink.id).where(OidcLink.issuer == request.oidc_issuer,
                                                    OidcLink.subject == request.oidc_subject)) is not None


def _forget_credentials(request: JoinRequest) -> None:
    # Once decided, the chosen password and provider account live on the account (or nowhere).
    request.password_hash = request.oidc_issuer = request.oidc_subject = None


def _check_waiting(request: JoinRequest) -> None:
    if request.state != JoinState.WAITING.value:
        raise AccountError("request", "This request has already been decided.")


def _decide(request: JoinRequest, state: JoinState, actor: User, now: datetime) -> None:
    request.state, request.decided_at, request.decided_by_id = state.value, now, actor.id


def is_waiting(session: Session, email: str, password: str) -> bool:
    """Whether this e-mail and the password chosen with it belong to a request still waiting (the sign-in page
    then says so; without the password it says nothing, so nobody learns who has asked)."""
    chosen = session.scalar(select(JoinRequest.password_hash).where(
        JoinRequest.email == email.strip().lower(), JoinRequest.state == JoinState.WAITING.value))
    return bool(chosen) and check_password_hash(str(chosen), password)
