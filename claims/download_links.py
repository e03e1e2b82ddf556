"""Short-lived signed links to one award's baked image, shown by the kiosk as a QR for the attendee's phone."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import datetime, timedelta

from claims.display_tokens import decode_token
from claims.errors import NOT_FOUND, ClaimError

# Long enough to take out a phone and scan; short enough that a photo of the kiosk screen is soon useless.
LIFETIME = timedelta(minutes=15)
_MAC_BYTES = 16
_EXPIRY_BYTES = 8
_LENGTH = 16 + _EXPIRY_BYTES + _MAC_BYTES
# Keeps these MACs from ever matching one the same key makes for another purpose.
_DOMAIN = b"badgeclaim download link v1\x00"


def make_download_token(secret: bytes, award_id: uuid.UUID, now: datetime, lifetime: timedelta = LIFETIME) -> str:
    """A URL-safe token naming ``award_id`` until ``now + lifetime``, signed with ``secret``."""
    expires = int((now + lifetime).timestamp())
    payload = award_id.bytes + expires.to_bytes(_EXPIRY_BYTES, "big")
    return base64.urlsafe_b64encode(payload + _mac(secret, payload)).rstrip(b"=").decode("ascii")


def open_download_token(secret: bytes, token: str, now: datetime) -> uuid.UUID:
    """The award a token names while it lives; ``not_found`` alike for a forged, edited or expired token."""
    raw = decode_token(token)
    if raw is None or len(raw) != _LENGTH:
        raise ClaimError(NOT_FOUND, what="award")
    payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    if not hmac.compare_digest(mac, _mac(secret, payload)):
        raise ClaimError(NOT_FOUND, what="award")
    if int.from_bytes(payload[16:], "big") <= now.timestamp():
        raise ClaimError(NOT_FOUND, what="award")
    return uuid.UUID(bytes=payload[:16])


def _mac(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, _DOMAIN + payload, hashlib.sha256).digest()[:_MAC_BYTES]
