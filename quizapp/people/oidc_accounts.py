"""Who an ID token's claims are: the linked account, an existing account by verified e-mail, or a new one."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..models import JoinRequest, JoinState, OidcLink, School, StaffGroup, User
from .accounts import NewUser, create_user, find_by_email
from .fields import AccountError, clean_email
from .oidc import OidcRefused, ProviderConfig
from .oidc_providers import email_domain

NOT_ALLOWED = "Your account cannot sign in here. Ask your school's safeguarding lead or administrator."
WAITING = "Your request to join is waiting for the school's safeguarding lead to approve it."


def subject_of(provider: ProviderConfig, claims: dict[str, Any]) -> str:
    """The stable id of the person at the provider: Entra ID's tenant and object ids, else `sub`."""
    if provider.preset == "entra" and claims.get("tid") and claims.get("oid"):
        return f"{claims['tid']}/{claims['oid']}"
    return str(claims["sub"])


def verified_email(provider: ProviderConfig, claims: dict[str, Any]) -> str | None:
    """The e-mail the provider vouches for, or None.

    Entra ID may not send email_verified, so there the documented claims are used instead: the e-mail or
    preferred_username counts only within the provider's allowed domains. Google Workspace must also send
    its hosted domain (`hd`) as one of those domains.
    """
    if provider.preset == "entra":
        raw = claims.get("email") or claims.get("preferred_username")
        if not raw or not provider.domains or email_domain(str(raw)) not in provider.domains:
            return None
    else:
        raw = claims.get("email")
        if not raw or claims.get("email_verified") is not True:
            return None
        if provider.preset == "google" and provider.domains and claims.get("hd") not in provider.domains:
            return None
    try:
        return clean_email(str(raw))
    except AccountError:
        return None


def _refuse(message: str, reason: str) -> OidcRefused:
    return OidcRefused(message, reason)


def names_of(claims: dict[str, Any], email: str) -> tuple[str, str]:
    """First and last name from the claims, falling back to `name` and then the e-mail's local part."""
    first = str(claims.get("given_name") or "").strip()
    last = str(claims.get("family_name") or "").strip()
    if not (first and last):
        name = str(claims.get("name") or email.partition("@")[0]).strip().split()
        first, last = (name[0], " ".join(name[1:]) or "-") if name else ("-", "-")
    return first[:100], last[:100]


def _create(session: Session, provider: ProviderConfig, claims: dict[str, Any], email: str) -> User:
    """Create the account on first sign-in, in the provider's school and staff group when it names them."""
    first, last = names_of(claims, email)
    school = session.get(School, provider.school_id) if provider.school_id else None
    group = session.get(StaffGroup, provider.staff_group_id) if provider.staff_group_id else None
    user = create_user(session, NewUser(email=email, first_name=first, last_name=last,
                                        school=school, staff_group=group))
    record(session, None, "auth.oidc_create", f"user:{user.id}", issuer=provider.issuer)
    return user


def checked_email(provider: ProviderConfig, claims: dict[str, Any], subject: str) -> str:
    """The verified e-mail in the claims, within the provider's domains; else raise OidcRefused."""
    email = verified_email(provider, claims)
    if email is None:
        raise _refuse("The sign-in service did not confirm your e-mail address, so you cannot sign in with it here.",
                      f"no verified e-mail for subject {subject}")
    if provider.domains and email_domain(email) not in provider.domains:
        raise _refuse(f"E-mail addresses at {email_domain(email)} cannot use this sign-in button.",
                      f"domain {email_domain(email)} not allowed")
    return email


def _waiting_to_join(session: Session, provider: ProviderConfig, subject: str) -> bool:
    return session.scalar(select(JoinRequest.id).where(
        JoinRequest.oidc_issuer == provider.issuer, JoinRequest.oidc_subject == subject,
        JoinRequest.state == JoinState.WAITING.value)) is not None


def _first_sign_in(session: Session, provider: ProviderConfig, claims: dict[str, Any], subject: str) -> User:
    email = checked_email(provider, claims, subject)
    user = find_by_email(session, email)
    if user is None:
        if _waiting_to_join(session, provider, subject):
            raise _refuse(WAITING, f"join request for {email} still waiting")
        if not provider.create_users:
            raise _refuse(NOT_ALLOWED, f"no account for {email} and this provider creates none")
        user = _create(session, provider, claims, email)
    elif not user.active:
        raise _refuse(NOT_ALLOWED, f"user:{user.id} is deactivated")  # before linking: nothing is kept for them
    session.add(OidcLink(user=user, issuer=provider.issuer, subject=subject, email=email))
    record(session, user, "auth.oidc_link", f"user:{user.id}", issuer=provider.issuer)
    return user


def sign_in_with_claims(session: Session, provider: ProviderConfig, claims: dict[str, Any], now: datetime) -> User:
    """Return the active person these verified claims belong to (linking or creating them), or raise OidcRefused."""
    subject = subject_of(provider, claims)
    link = session.scalar(select(OidcLink).where(OidcLink.issuer == provider.issuer, OidcLink.subject == subject))
    user = link.user if link is not None else _first_sign_in(session, provider, claims, subject)
    if not user.active:
        raise _refuse(NOT_ALLOWED, f"user:{user.id} is deactivated")
    if link is not None:
        link.last_used_at = now
    user.last_sign_in_at = now
    session.flush()
    record(session, user, "auth.sign_in", f"user:{user.id}", method="oidc", issuer=provider.issuer)
    return user


def links_of(session: Session, user: User) -> list[OidcLink]:
    """A person's provider links, for the admin to see and remove."""
    return list(session.scalars(select(OidcLink).where(OidcLink.user_id == user.id).order_by(OidcLink.id)))


def remove_link(session: Session, actor: User, link: OidcLink) -> None:
    """Remove a link, so the next sign-in with that provider must match by verified e-mail again."""
    record(session, actor, "user.oidc_unlink", f"user:{link.user_id}", issuer=link.issuer)
    session.delete(link)
    session.flush()
