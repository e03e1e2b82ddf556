"""The web app's keys, each derived from the one secret key with its own purpose label (HKDF), in one place."""

from __future__ import annotations

from enum import StrEnum

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class Purpose(StrEnum):
    """One label per use: a key made for one purpose can never verify anything made for another."""

    CSRF = "csrf form tokens"
    DISPLAY_TOKEN = "kiosk display tokens"  # the kiosk's rotating QR codes, made and opened with this key
    CLAIM_TICKET = "claim form tickets"  # keeps a display token's claim open while its form is filled in
    RATE_LIMIT = "rate limit keys"  # client addresses are stored only as a keyed hash


def derive_key(secret_key: str, purpose: Purpose) -> bytes:
    """32 bytes for ``purpose`` from the installation's secret key."""
    if not secret_key:
        raise ValueError("the web app needs a secret key (BADGECLAIM_SECRET_KEY)")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"badgeclaim web", info=purpose.value.encode("ascii"))
    return hkdf.derive(secret_key.encode("utf-8"))


class WebKeys:
    """Every derived key of one app, computed once when the app is made."""

    def __init__(self, secret_key: str) -> None:
        self.csrf = derive_key(secret_key, Purpose.CSRF)
        self.display_token = derive_key(secret_key, Purpose.DISPLAY_TOKEN)
        self.claim_ticket = derive_key(secret_key, Purpose.CLAIM_TICKET)
        self.rate_limit = derive_key(secret_key, Purpose.RATE_LIMIT)
