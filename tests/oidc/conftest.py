"""A real OpenID provider (the npm package oidc-provider, pinned in package-lock.json) on a loopback port.

`npm ci` installs it when node_modules is missing. Without Node.js the tests skip, except under CI=true, where
they fail. The provider's signing key is made here, so tests can also sign tokens it would never issue.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess  # nosec B404 - starts node on this repository's script, no shell
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from joserfc.jwk import RSAKey

HERE = Path(__file__).resolve().parent
CLIENT_ID = "quizapp-test"
CLIENT_SECRET = "test-client-secret-0123456789abcdef"  # noqa: S105 - the test provider's own client
PASSWORD = "provider-password"  # noqa: S105
# A native client: oidc-provider then accepts its loopback redirect URI on any port (RFC 8252 section 7.3),
# which the live server needs, as its port is chosen when it starts.
CLIENT = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "application_type": "native",
          "redirect_uris": ["http://127.0.0.1/sign-in/oidc/callback"],
          "post_logout_redirect_uris": ["http://127.0.0.1/sign-in"],
          "grant_types": ["authorization_code"], "response_types": ["code"],
          "token_endpoint_auth_method": "client_secret_basic"}


def _account(email: str, verified: bool = True, name: str = "Test Person") -> dict[str, Any]:
    given, _, family = name.partition(" ")
    return {"password": PASSWORD, "claims": {"email": email, "email_verified": verified, "name": name,
                                             "given_name": given, "family_name": family}}


ACCOUNTS = {
    "alice": _account("alice@school.example", name="Alice Adams"),
    "newbie": _account("newbie@school.example", name="Nia Newton"),
    "outsider": _account("someone@elsewhere.example", name="Oscar Out"),
    "unverified": _account("unverified@school.example", verified=False, name="Uma Unverified"),
}


@dataclass
class RunningProvider:
    """The running provider: its issuer, its private signing key and its test client and accounts."""

    issuer: str
    key: RSAKey
    accounts: dict[str, Any] = field(default_factory=lambda: ACCOUNTS)
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    password: str = PASSWORD

    def app_config(self, **extra: Any) -> dict[str, Any]:
        """App settings naming this provider, as QUIZAPP_OIDC_* would."""
        return {"OIDC_ISSUER": self.issuer, "OIDC_CLIENT_ID": self.client_id,
                "OIDC_CLIENT_SECRET": self.client_secret, "OIDC_LABEL": "Sign in with Test Provider",
                "OIDC_DOMAINS": "school.example", "OIDC_CREATE_USERS": False, **extra}


def _node_required() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _install() -> str:
    """Return node's path, running `npm ci` first when the pinned packages are not installed."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if _node_required():
            pytest.fail("Node.js and npm are required under CI=true for the OpenID provider tests.", pytrace=False)
        pytest.skip("Node.js/npm not installed: OpenID provider tests skipped (CI fails instead)")
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True,  # nosec B603
                                text=True, timeout=300, check=False)
        if result.returncode != 0:
            pytest.fail(f"npm ci failed in {HERE}:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return node


def _wait_listening(proc: subprocess.Popen[str], deadline: float) -> str:
    assert proc.stdout is not None
    seen = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        if line.startswith("listening "):
            return line.split(" ", 1)[1].strip()
    proc.kill()
    pytest.fail("oidc-provider did not start:\n" + "".join(seen), pytrace=False)


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[RunningProvider]:
    """Start oidc-provider on a free loopback port for the whole run."""
    node = _install()
    key = RSAKey.generate_key(2048, parameters={"kid": "test-signing-key", "alg": "RS256", "use": "sig"})
    port = _free_port()
    config = {"port": port, "clients": [CLIENT], "accounts": ACCOUNTS,
              "jwks": {"keys": [key.as_dict(private=True)]}}
    proc = subprocess.Popen([node, "provider.mjs"], cwd=HERE, text=True,  # nosec B603
                            env={**os.environ, "OIDC_TEST_CONFIG": json.dumps(config), "NODE_ENV": "test"},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    issuer = _wait_listening(proc, time.monotonic() + 30)
    yield RunningProvider(issuer=issuer, key=key)
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
