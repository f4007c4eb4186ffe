"""Where sign-in providers come from: the one given by environment (QUIZAPP_OIDC_*) and the Sign-in screen's."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import OidcProvider
from .oidc import ProviderConfig, check_issuer
from .secrets import SecretUnreadable, decrypt_secret

ENV_KEY = "env"


def parse_domains(raw: str) -> tuple[str, ...]:
    """Split a comma-separated list of e-mail domains into lower-case names, raising ValueError on a bad one."""
    domains = tuple(part.strip().lower().lstrip("@") for part in raw.split(",") if part.strip())
    for domain in domains:
        if "." not in domain or any(c.isspace() or c in "@/" for c in domain):
            raise ValueError(f"{domain!r} is not an e-mail domain (such as school.sch.uk).")
    return domains


def env_provider(config: Mapping[str, Any]) -> ProviderConfig | None:
    """The provider given by QUIZAPP_OIDC_* settings, if an issuer is set (config.py checks the rest)."""
    issuer = config.get("OIDC_ISSUER")
    if not issuer:
        return None
    return ProviderConfig(key=ENV_KEY, label=config.get("OIDC_LABEL") or "Sign in with your school account",
                          issuer=check_issuer(issuer), client_id=config["OIDC_CLIENT_ID"],
                          client_secret=config["OIDC_CLIENT_SECRET"],
                          domains=parse_domains(config.get("OIDC_DOMAINS") or ""),
                          create_users=bool(config.get("OIDC_CREATE_USERS")),
                          preset=config.get("OIDC_PRESET") or "generic")


def stored_provider(row: OidcProvider, secret_key: str) -> ProviderConfig:
    """A provider from the Sign-in screen, its client secret decrypted for this request only."""
    return ProviderConfig(key=str(row.id), label=row.label, issuer=row.issuer, client_id=row.client_id,
                          client_secret=decrypt_secret(secret_key, row.client_secret_encrypted),
                          domains=parse_domains(row.domains), create_users=row.create_users,
                          required=row.required, preset=row.preset, school_id=row.school_id,
                          staff_group_id=row.staff_group_id)


def all_providers(session: Session, config: Mapping[str, Any]) -> list[ProviderConfig]:
    """Every provider people may sign in with: the environment's first, then the stored ones by label."""
    found = [p for p in [env_provider(config)] if p is not None]
    for row in session.scalars(select(OidcProvider).order_by(OidcProvider.label)):
        try:
            found.append(stored_provider(row, config["SECRET_KEY"]))
        except SecretUnreadable:
            continue  # shown on the Sign-in screen as needing its secret again; no button until then
    return found


def find_provider(session: Session, config: Mapping[str, Any], key: str) -> ProviderConfig | None:
    """The provider with this key, or None."""
    return next((p for p in all_providers(session, config) if p.key == key), None)


def email_domain(email: str) -> str:
    """The lower-case domain of an e-mail address."""
    return email.rpartition("@")[2].strip().lower()


def required_provider_for(providers: list[ProviderConfig], email: str) -> ProviderConfig | None:
    """The provider that must be used by this e-mail's domain (password sign-in is refused), if any."""
    domain = email_domain(email)
    return next((p for p in providers if p.required and domain in p.domains), None)
