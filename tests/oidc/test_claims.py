"""Which e-mail a provider vouches for (Entra ID, Google Workspace, any other) and the settings that name one."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from quizapp.config import ConfigError, load_settings
from quizapp.people.oidc import ProviderConfig, check_issuer
from quizapp.people.oidc_accounts import subject_of, verified_email
from quizapp.people.secrets import SecretUnreadable, decrypt_secret, encrypt_secret


def _provider(preset: str, domains: tuple[str, ...] = ("school.example",)) -> ProviderConfig:
    return ProviderConfig(key="1", label="x", issuer="https://id.example", client_id="c", client_secret="s",
                          domains=domains, preset=preset)


@pytest.mark.parametrize(("preset", "claims", "expected"), [
    ("generic", {"email": "A@School.example", "email_verified": True}, "a@school.example"),
    ("generic", {"email": "a@school.example", "email_verified": False}, None),
    ("generic", {"email": "a@school.example", "email_verified": "true"}, None),
    ("generic", {"email": "a@school.example"}, None),
    ("entra", {"preferred_username": "a@school.example"}, "a@school.example"),
    ("entra", {"preferred_username": "a@elsewhere.example"}, None),
    ("google", {"email": "a@school.example", "email_verified": True, "hd": "school.example"}, "a@school.example"),
    ("google", {"email": "a@school.example", "email_verified": True}, None),
    ("google", {"email": "a@gmail.com", "email_verified": True, "hd": "gmail.com"}, None),
])
def test_verified_email(preset: str, claims: dict[str, Any], expected: str | None) -> None:
    assert verified_email(_provider(preset), claims) == expected


def test_entra_without_domains_vouches_for_nobody() -> None:
    assert verified_email(_provider("entra", ()), {"preferred_username": "a@school.example"}) is None


def test_entra_identifies_people_by_tenant_and_object_id() -> None:
    assert subject_of(_provider("entra"), {"sub": "pairwise", "tid": "t1", "oid": "o1"}) == "t1/o1"
    assert subject_of(_provider("generic"), {"sub": "pairwise", "tid": "t1", "oid": "o1"}) == "pairwise"


def test_issuer_must_be_https_except_on_loopback() -> None:
    assert check_issuer("https://login.microsoftonline.com/tid/v2.0/") == "https://login.microsoftonline.com/tid/v2.0"
    assert check_issuer("http://127.0.0.1:5000") == "http://127.0.0.1:5000"
    with pytest.raises(ValueError, match="https"):
        check_issuer("http://id.example.org")


def test_an_issuer_without_its_client_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="QUIZAPP_OIDC_CLIENT_ID"):
        load_settings(tmp_path, {"QUIZAPP_OIDC_ISSUER": "https://id.example"})
    settings = load_settings(tmp_path, {"QUIZAPP_OIDC_ISSUER": "https://id.example", "QUIZAPP_OIDC_CLIENT_ID": "c",
                                        "QUIZAPP_OIDC_CLIENT_SECRET": "s", "QUIZAPP_OIDC_CREATE_USERS": "1"})
    assert (settings["OIDC_CLIENT_ID"], settings["OIDC_CREATE_USERS"]) == ("c", True)


def test_secrets_round_trip_and_another_secret_key_cannot_read_them() -> None:
    token = encrypt_secret("key-one", "client-secret")
    assert b"client-secret" not in token
    assert decrypt_secret("key-one", token) == "client-secret"
    with pytest.raises(SecretUnreadable):
        decrypt_secret("key-two", token)
