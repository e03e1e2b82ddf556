"""Keys derived from the installation's one secret key, one per purpose (HKDF), so every edge derives alike."""

from __future__ import annotations

from enum import StrEnum

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class Purpose(StrEnum):
    """One label per use: a key made for one purpose can never verify anything made for another."""

    CSRF = "csrf form tokens"
    # The kiosk's rotating QR codes: the kiosk makes them, the web page and the bot open them.
    DISPLAY_TOKEN = "kiosk display tokens"
    CLAIM_TICKET = "claim form tickets"  # keeps a display token's claim open while its form is filled in
    RATE_LIMIT = "rate limit keys"  # client addresses are stored only as a keyed hash
    DOWNLOAD_LINK = "award download links"  # the kiosk's short-lived links to a baked badge image


def derive_key(secret_key: str, purpose: Purpose) -> bytes:
    """32 bytes for ``purpose`` from the installation's secret key (BADGECLAIM_SECRET_KEY)."""
    if not secret_key:
        raise ValueError("a secret key is needed (BADGECLAIM_SECRET_KEY)")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"badgeclaim", info=purpose.value.encode("ascii"))
    return hkdf.derive(secret_key.encode("utf-8"))
