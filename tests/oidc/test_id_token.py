"""ID token checks against the real provider's published keys: tokens it signed wrongly, or never signed."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from quizapp.people.oidc import OidcRefused, ProviderConfig, discover, verify_id_token

from .conftest import RunningProvider

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
NONCE = "the-nonce-sent"


def _provider(running: RunningProvider) -> ProviderConfig:
    return ProviderConfig(key="env", label="Test", issuer=running.issuer, client_id=running.client_id,
                          client_secret=running.client_secret, domains=("school.example",))


def _claims(running: RunningProvider, **changes: Any) -> dict[str, Any]:
    at = int(NOW.timestamp())
    claims = {"iss": running.issuer, "aud": running.client_id, "sub": "alice", "iat": at, "exp": at + 300,
              "nonce": NONCE, "email": "alice@school.example", "email_verified": True, **changes}
    return {name: value for name, value in claims.items() if value is not None}


def _signed(claims: dict[str, Any], key: RSAKey | OctKey, alg: str = "RS256", kid: str = "test-signing-key") -> str:
    return jwt.encode({"alg": alg, "kid": kid}, claims, key)


def _verify(running: RunningProvider, token: str) -> dict[str, Any]:
    provider = _provider(running)
    return verify_id_token(token, discover(provider), provider, NONCE, NOW)


def test_a_good_token_passes(oidc_provider: RunningProvider) -> None:
    claims = _verify(oidc_provider, _signed(_claims(oidc_provider), oidc_provider.key))
    assert claims["sub"] == "alice"


@pytest.mark.parametrize(("changes", "reason"), [
    ({"aud": "another-client"}, "Invalid claim: 'aud'"),
    ({"iss": "https://evil.example"}, "Invalid claim: 'iss'"),
    ({"nonce": "another-nonce"}, "Invalid claim: 'nonce'"),
    ({"nonce": None}, "Missing claim: 'nonce'"),
    ({"exp": int(NOW.timestamp()) - 121}, "The token is expired"),
    ({"iat": int(NOW.timestamp()) + 121}, "The token was issued in the future"),
    ({"sub": None}, "Missing claim: 'sub'"),
])
def test_bad_claims_are_refused(oidc_provider: RunningProvider, changes: dict[str, Any], reason: str) -> None:
    with pytest.raises(OidcRefused) as refused:
        _verify(oidc_provider, _signed(_claims(oidc_provider, **changes), oidc_provider.key))
    assert refused.value.reason == f"ID token claim refused: {reason}"


def test_two_minutes_of_clock_skew_are_allowed(oidc_provider: RunningProvider) -> None:
    at = int(NOW.timestamp())
    _verify(oidc_provider, _signed(_claims(oidc_provider, exp=at - 119, iat=at + 119), oidc_provider.key))


def test_several_audiences_need_this_client_as_authorised_party(oidc_provider: RunningProvider) -> None:
    token = _signed(_claims(oidc_provider, aud=[oidc_provider.client_id, "other"], azp="other"), oidc_provider.key)
    with pytest.raises(OidcRefused, match="azp"):
        _verify(oidc_provider, token)


def test_a_key_the_provider_does_not_publish_is_refused(oidc_provider: RunningProvider) -> None:
    stranger = RSAKey.generate_key(2048)
    with pytest.raises(OidcRefused) as refused:
        _verify(oidc_provider, _signed(_claims(oidc_provider), stranger))  # same kid, other key
    assert refused.value.reason == "ID token rejected: bad_signature"
    with pytest.raises(OidcRefused) as refused:
        _verify(oidc_provider, _signed(_claims(oidc_provider), stranger, kid="unknown-kid"))
    assert refused.value.reason == "ID token signed with an unknown key"


def test_symmetric_and_unsigned_tokens_are_refused(oidc_provider: RunningProvider) -> None:
    secret = OctKey.import_key(oidc_provider.client_secret)
    with pytest.raises(OidcRefused, match="ID token rejected"):
        _verify(oidc_provider, _signed(_claims(oidc_provider), secret, alg="HS256"))
    good = _signed(_claims(oidc_provider), oidc_provider.key)
    header, payload, _ = good.split(".")
    with pytest.raises(OidcRefused, match="ID token"):
        _verify(oidc_provider, header + "." + payload + ".")
