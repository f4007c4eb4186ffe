"""The admin's Sign-in settings: add, change and remove providers, keeping one admin able to use a password."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..models import OidcProvider, Role, School, StaffGroup, User
from ..models.oidc import PRESETS
from .fields import AccountError
from .oidc import check_issuer
from .oidc_providers import email_domain, parse_domains
from .secrets import encrypt_secret


@dataclass
class ProviderInput:
    """What the Sign-in screen's form sends; a blank client secret keeps the stored one."""

    label: str
    preset: str
    issuer: str
    client_id: str
    client_secret: str
    domains: str
    create_users: bool
    required: bool
    school_id: int | None = None
    staff_group_id: int | None = None


def _checked(session: Session, data: ProviderInput, row: OidcProvider | None) -> tuple[str, tuple[str, ...]]:
    """Check every field, raising AccountError naming the first bad one; return the issuer and domains."""
    if not data.label.strip():
        raise AccountError("label", "Enter the button label, such as “Sign in with Microsoft”.")
    clash = session.scalar(select(OidcProvider).where(OidcProvider.label == data.label.strip()))
    if clash is not None and clash is not row:
        raise AccountError("label", "Another provider already has this button label.")
    if data.preset not in PRESETS:
        raise AccountError("preset", "Choose a kind of provider.")
    try:
        issuer = check_issuer(data.issuer)
        domains = parse_domains(data.domains)
    except ValueError as exc:
        raise AccountError("domains" if "domain" in str(exc) else "issuer", str(exc)) from None
    if not data.client_id.strip():
        raise AccountError("client_id", "Enter the client (application) id from the provider.")
    if row is None and not data.client_secret:
        raise AccountError("client_secret", "Enter the client secret from the provider.")
    if (data.required or data.preset == "entra") and not domains:
        raise AccountError("domains", "List the e-mail domains this provider signs in (such as school.sch.uk).")
    return issuer, domains


def admins_keeping_a_password(session: Session, required_domains: set[str]) -> list[User]:
    """Active admins with a password whose domain no provider requires: the way in if a provider fails."""
    admins = session.scalars(select(User).where(User.role == Role.ADMIN.value, User.active.is_(True),
                                                User.password_hash.is_not(None)))
    return [admin for admin in admins if email_domain(admin.email) not in required_domains]


def required_domains(session: Session) -> set[str]:
    """The e-mail domains a stored provider requires (password sign-in is refused there)."""
    found: set[str] = set()
    for row in session.scalars(select(OidcProvider).where(OidcProvider.required.is_(True))):
        found.update(parse_domains(row.domains))
    return found


def is_last_way_in(session: Session, user: User) -> bool:
    """Whether `user` is the only active admin keeping a password, so must not be deactivated or demoted."""
    keeping = [admin.id for admin in admins_keeping_a_password(session, required_domains(session))]
    return keeping == [user.id]


def _required_domains(session: Session, row: OidcProvider | None, data: ProviderInput,
                      domains: tuple[str, ...]) -> set[str]:
    """The domains that would need a provider once this change is saved."""
    required = set(domains) if data.required else set()
    for other in session.scalars(select(OidcProvider).where(OidcProvider.required.is_(True))):
        if other is not row:
            required.update(parse_domains(other.domains))
    return required


def save_provider(session: Session, secret_key: str, data: ProviderInput, actor: User,
                  row: OidcProvider | None = None) -> OidcProvider:
    """Add or change a provider (flush only); the client secret is stored encrypted and never read back out."""
    issuer, domains = _checked(session, data, row)
    if data.required and not admins_keeping_a_password(session, _required_domains(session, row, data, domains)):
        raise AccountError("required", "At least one admin must keep a password: every active admin’s e-mail "
                                       "domain would then need a provider. Add an admin outside these domains "
                                       "first.")
    target = row or OidcProvider()
    target.label, target.preset, target.issuer = data.label.strip(), data.preset, issuer
    target.client_id, target.domains = data.client_id.strip(), ",".join(domains)
    target.create_users, target.required = data.create_users, data.required
    target.school = session.get(School, data.school_id) if data.school_id else None
    target.staff_group = session.get(StaffGroup, data.staff_group_id) if data.staff_group_id else None
    if data.client_secret:
        target.client_secret_encrypted = encrypt_secret(secret_key, data.client_secret)
    session.add(target)
    session.flush()
    record(session, actor, "settings.oidc_provider_saved", f"oidc_provider:{target.id}", label=target.label,
           issuer=issuer, required=target.required, secret_changed=bool(data.client_secret))
    return target


def delete_provider(session: Session, actor: User, row: OidcProvider) -> None:
    """Remove a provider; people linked to it keep their accounts and can sign in with a password."""
    record(session, actor, "settings.oidc_provider_deleted", f"oidc_provider:{row.id}", label=row.label)
    session.delete(row)
    session.flush()
