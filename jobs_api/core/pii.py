"""Personal information at rest and on the wire (PIPL).

ID numbers are stored twice: a keyed hash (HMAC-SHA256) for exact lookup, and an AES-GCM
ciphertext for authorised display. Every response shows only masked forms.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12


def _derive(secret: str, purpose: str) -> bytes:
    return hashlib.sha256(f"gradmatch:{purpose}:{secret}".encode()).digest()


class PiiVault:
    def __init__(self, secret: str) -> None:
        self._hash_key = _derive(secret, "lookup-hash")
        self._aead = AESGCM(_derive(secret, "encryption"))

    def lookup_hash(self, value: str) -> str:
        normalised = value.strip().upper()
        return hmac.new(self._hash_key, normalised.encode(), hashlib.sha256).hexdigest()

    def encrypt(self, value: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, value.encode(), None)
        return base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, token: str) -> str:
        raw = base64.urlsafe_b64decode(token.encode())
        return self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], None).decode()


def mask_id_number(value: str) -> str:
    """110101199003071234 -> 110101********1234 (region code and last four kept)."""
    v = value.strip()
    if len(v) <= 10:
        return "*" * len(v)
    return f"{v[:6]}{'*' * (len(v) - 10)}{v[-4:]}"


def mask_phone(value: str) -> str:
    """13812345678 -> 138****5678."""
    v = value.strip()
    if len(v) < 7:
        return "*" * len(v)
    return f"{v[:3]}{'*' * (len(v) - 7)}{v[-4:]}"
