"""OpenID Connect with Authlib: discovery, the authorisation request (PKCE, state, nonce) and ID token checks."""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

SCOPE = "openid email profile"
# Asymmetric algorithms only: a token signed with "none" or with the client secret (HS256) is refused.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
MAX_SKEW_SECONDS = 120
HTTP_TIMEOUT_SECONDS = 10
CACHE_SECONDS = 3600
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class OidcRefused(Exception):
    """A sign-in that must not go ahead: `message` is shown to the person, `reason` goes to the log."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(reason)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class ProviderConfig:
    """One identity provider as the sign-in code sees it, from the environment or the Sign-in screen."""

    key: str  # "env" for the one given by environment, else the database id
    label: str
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)  # never in a repr, so never in a log line or traceback
    domains: tuple[str, ...] = ()
    create_users: bool = False
    required: bool = False
    preset: str = "generic"
    school_id: int | None = None
    staff_group_id: int | None = None


@dataclass(frozen=True)
class AuthRequest:
    """Where to send the browser, and what to keep in the session until it comes back."""

    url: str
    state: str
    nonce: str
    code_verifier: str = field(repr=False)


def check_issuer(issuer: str) -> str:
    """Return the issuer without a trailing slash; refuse anything but https (plain http on loopback only)."""
    parts = urlsplit(issuer.strip())
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        raise ValueError("The issuer must be an https:// address.")
    if not parts.hostname:
        raise ValueError("The issuer must be a full address, such as https://accounts.google.com.")
    return issuer.strip().rstrip("/")


_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def _get_json(url: str, refresh: bool = False) -> dict[str, Any]:
    """GET a JSON document, kept for an hour per process (discovery and keys change rarely)."""
    cached = _cache.get(url)
    if cached and not refresh and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OidcRefused("The sign-in service cannot be reached just now. Try again in a few minutes.",
                          f"fetching {url} failed: {exc.__class__.__name__}") from None
    if not isinstance(document, dict):
        raise OidcRefused("The sign-in service answered oddly. Try again later.", f"{url} is not a JSON object")
    _cache[url] = (time.monotonic(), document)
    return document


def discover(provider: ProviderConfig) -> dict[str, Any]:
    """The provider's metadata from its .well-known/openid-configuration, whose issuer must match exactly."""
    metadata = _get_json(provider.issuer + "/.well-known/openid-configuration")
    if metadata.get("issuer") != provider.issuer:
        raise OidcRefused("The sign-in service is set up wrongly. Tell your administrator.",
                          f"discovery issuer {metadata.get('issuer')!r} is not {provider.issuer!r}")
    return metadata


def _client(provider: ProviderConfig, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(provider.client_id, provider.client_secret, scope=SCOPE, redirect_uri=redirect_uri,
                         code_challenge_method="S256")


def authorization_request(provider: ProviderConfig, metadata: dict[str, Any], redirect_uri: str) -> AuthRequest:
    """Build the authorisation code request with PKCE (S256), a fresh state and a fresh nonce."""
    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), generate_token(64)
    extra = {"hd": provider.domains[0]} if provider.preset == "google" and len(provider.domains) == 1 else {}
    with _client(provider, redirect_uri) as client:
        url, _ = client.create_authorization_url(metadata["authorization_endpoint"], state=state, nonce=nonce,
                                                 code_verifier=verifier, **extra)
    return AuthRequest(url=url, state=state, nonce=nonce, code_verifier=verifier)


def exchange_code(provider: ProviderConfig, metadata: dict[str, Any], redirect_uri: str, code: str,
                  code_verifier: str) -> str:
    """Swap the authorisation code for tokens at the token endpoint and return the ID token."""
    try:
        with _client(provider, redirect_uri) as client:
            token = client.fetch_token(metadata["token_endpoint"], code=code, code_verifier=code_verifier,
                                       timeout=HTTP_TIMEOUT_SECONDS)
    except Exception as exc:  # Authlib raises OAuthError, requests its own errors: all mean the same here
        raise OidcRefused("The sign-in service did not accept the sign-in. Try again.",
                          f"token request failed: {exc.__class__.__name__}") from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise OidcRefused("The sign-in service did not send an ID token. Tell your administrator.",
                          "token response without id_token")
    return id_token


def _decode(id_token: str, jwks_uri: str) -> jwt.Token:
    """Check the signature against the provider's published keys, fetching them again once for a new key."""
    for refresh in (False, True):
        keys = KeySet.import_key_set(_get_json(jwks_uri, refresh=refresh))  # type: ignore[arg-type]
        try:
            return jwt.decode(id_token, keys, algorithms=ALGORITHMS)
        except InvalidKeyIdError:  # no key with this token's kid: perhaps rotated since the keys were fetched
            continue
        except JoseError as exc:
            raise OidcRefused("That sign-in could not be checked. Try again.",
                              f"ID token rejected: {exc.error}") from None
    raise OidcRefused("That sign-in could not be checked. Try again.", "ID token signed with an unknown key")


def verify_id_token(id_token: str, metadata: dict[str, Any], provider: ProviderConfig, nonce: str,
                    now: datetime) -> dict[str, Any]:
    """Verify the ID token's signature and its iss, aud, exp, iat, sub and nonce (2 minutes' skew at most)."""
    claims = _decode(id_token, metadata["jwks_uri"]).claims
    registry = jwt.JWTClaimsRegistry(
        now=int(now.timestamp()), leeway=MAX_SKEW_SECONDS,
        iss={"essential": True, "value": provider.issuer}, aud={"essential": True, "value": provider.client_id},
        exp={"essential": True}, iat={"essential": True}, sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise OidcRefused("That sign-in could not be checked. Try again.",
                          f"ID token claim refused: {exc.description or exc.error}") from None
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != provider.client_id:
        raise OidcRefused("That sign-in could not be checked. Try again.", "ID token azp is not this client")
    return dict(claims)
