"""Encryption of secret settings at rest, keyed by REPLOG_SECRET_KEY (never SECRET_KEY).

django-cryptography's model field takes its key from global settings at import time and falls
back to SECRET_KEY; we need an explicit key per call (refusal when it is missing, rotation from an
old key), so we use the library's Fernet with a key derived from REPLOG_SECRET_KEY.
"""

from __future__ import annotations

import base64
import functools

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django_cryptography.core.signing import BadSignature
from django_cryptography.utils.crypto import Fernet, InvalidToken, pbkdf2

_SALT = b"replog.settings_app.AppSetting.secret"
# PBKDF2 because REPLOG_SECRET_KEY may be a human-chosen passphrase; derived once per process.
_ITERATIONS = 200_000

HOW_TO_SET_KEY = (
    "Set REPLOG_SECRET_KEY in the environment (for example the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`) and restart, "
    "or provide the secret through its environment variable instead."
)


class SecretKeyMissing(Exception):
    """Storing a secret needs REPLOG_SECRET_KEY; there is never a plaintext fallback."""

    def __init__(self) -> None:
        super().__init__(
            f"Secrets cannot be stored: REPLOG_SECRET_KEY is not set. {HOW_TO_SET_KEY}"
        )


class DecryptError(Exception):
    """The stored token does not open with the key given (key changed, or a damaged row)."""


def current_key() -> str:
    return str(getattr(settings, "REPLOG_SECRET_KEY", "") or "")


def has_key() -> bool:
    return bool(current_key())


@functools.lru_cache(maxsize=8)
def _fernet_for(secret: str) -> Fernet:
    derived = pbkdf2(secret, _SALT, _ITERATIONS, dklen=32, digest=hashes.SHA256())
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(plaintext: str, *, key: str | None = None) -> str:
    secret = current_key() if key is None else key
    if not secret:
        raise SecretKeyMissing
    return _fernet_for(secret).encrypt(plaintext.encode()).decode("ascii")


def decrypt(token: str, *, key: str | None = None) -> str:
    secret = current_key() if key is None else key
    if not secret:
        raise DecryptError("REPLOG_SECRET_KEY is not set")
    try:
        return _fernet_for(secret).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, BadSignature, ValueError, UnicodeError) as exc:
        # The library's messages never contain the plaintext; keep ours just as bare.
        raise DecryptError("the stored value does not decrypt with this key") from exc


def key_fingerprint(key: str | None = None) -> str:
    """A short, non-reversible tag of a key, to notice in-process key changes (tests, rotation)."""
    secret = current_key() if key is None else key
    if not secret:
        return ""
    digest = hashes.Hash(hashes.SHA256())
    digest.update(_SALT + secret.encode())
    return digest.finalize().hex()[:16]


def mask_secret(value: str) -> str:
    """`sk-proj-…` → `sk-…abcd`: enough to recognise a key, not enough to use it."""
    if not value:
        return ""
    if len(value) < 12:
        return "••••••••"
    if len(value) < 20:
        return f"…{value[-4:]}"
    return f"{value[:3]}…{value[-4:]}"
