"""Encrypting stored client secrets with a key derived from the app's secret key (Fernet over HKDF-SHA256)."""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# A purpose label, so this key differs from any other key ever derived from the same secret key.
_INFO = b"quizapp oidc client secret v1"


class SecretUnreadable(ValueError):
    """A stored secret cannot be decrypted (the secret key changed): the admin must enter it again."""


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secret(secret_key: str, plain: str) -> bytes:
    """Encrypt a client secret for storage."""
    return _fernet(secret_key).encrypt(plain.encode())


def decrypt_secret(secret_key: str, token: bytes) -> str:
    """Decrypt a stored client secret, or raise SecretUnreadable."""
    try:
        return _fernet(secret_key).decrypt(token).decode()
    except InvalidToken:
        raise SecretUnreadable("The stored client secret cannot be read; enter it again.") from None
