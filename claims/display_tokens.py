"""Short-lived signed tokens that wrap a multi-use code for the kiosk's rotating display-mode QR."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime

from claims.errors import DISPLAY_TOKEN_EXPIRED, DISPLAY_TOKEN_INVALID, ClaimError

# A token must fit a Telegram deep link's start parameter.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
MIN_SECRET_BYTES = 16
# 96 bits: far beyond what can be guessed online within the two periods a token lives.
_MAC_BYTES = 12
# Five bytes count 2**40 periods: 34,000 years even at one-second periods.
_PERIOD_BYTES = 5
_HEADER_BYTES = _PERIOD_BYTES + _MAC_BYTES
# 64 base64url characters carry 48 bytes; what the header leaves is the room for the code.
MAX_CODE_LENGTH = 48 - _HEADER_BYTES
# Keeps these MACs from ever matching a MAC the same secret makes for another purpose.
_DOMAIN = b"badgeclaim display token v1\x00"


def make_display_token(secret: bytes, code: str, now: datetime, *, period_s: int = 60) -> str:
    """The token showing ``code`` during the period that contains ``now``.

    The token is signed, not encrypted: anyone can read the code out of it. A code shown this way
    must therefore be redeemable only through a valid token, never typed bare.
    """
    _check_key(secret, period_s)
    if not isinstance(code, str) or not code or not code.isascii() or not code.isprintable():
        raise ValueError("code must be non-empty printable ASCII")
    if len(code) > MAX_CODE_LENGTH:
        raise ValueError(f"code must be at most {MAX_CODE_LENGTH} characters to fit a deep link")
    period = _period(now, period_s)
    payload = code.encode("ascii")
    raw = period.to_bytes(_PERIOD_BYTES, "big") + _mac(secret, period_s, period, payload) + payload
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def open_display_token(secret: bytes, token: str, now: datetime, *, period_s: int = 60) -> str:
    """The code a token wraps, if it was made with ``secret`` this period or the previous one.

    Raises ``ClaimError(DISPLAY_TOKEN_INVALID)`` for anything not made with ``secret`` and
    ``ClaimError(DISPLAY_TOKEN_EXPIRED)`` for a genuine token more than one period old.
    """
    _check_key(secret, period_s)
    current = _period(now, period_s)
    raw = decode_token(token)
    if raw is None or len(raw) <= _HEADER_BYTES:
        raise ClaimError(DISPLAY_TOKEN_INVALID)
    period = int.from_bytes(raw[:_PERIOD_BYTES], "big")
    mac, payload = raw[_PERIOD_BYTES:_HEADER_BYTES], raw[_HEADER_BYTES:]
    if not hmac.compare_digest(mac, _mac(secret, period_s, period, payload)):
        raise ClaimError(DISPLAY_TOKEN_INVALID)
    # The previous period stays valid so a QR photographed just before it rotates still works.
    if period < current - 1:
        raise ClaimError(DISPLAY_TOKEN_EXPIRED, age_periods=current - period)
    if period > current:
        # Only a clock ahead of ours makes this; refusing it keeps a token's life at two periods.
        raise ClaimError(DISPLAY_TOKEN_INVALID)
    return payload.decode("ascii")


def _check_key(secret: bytes, period_s: int) -> None:
    if not isinstance(secret, bytes) or len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"secret must be at least {MIN_SECRET_BYTES} bytes")
    if isinstance(period_s, bool) or not isinstance(period_s, int) or not 1 <= period_s <= 86_400:
        raise ValueError("period_s must be a whole number of seconds from 1 to 86400")


def _period(now: datetime, period_s: int) -> int:
    if not isinstance(now, datetime) or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    period = int(now.timestamp() // period_s)
    if not 0 <= period < 1 << (8 * _PERIOD_BYTES):
        raise ValueError("now is outside the range a token can encode")
    return period


def _mac(secret: bytes, period_s: int, period: int, payload: bytes) -> bytes:
    # period_s is signed too, so a token cannot be replayed under a longer period's arithmetic.
    message = _DOMAIN + period_s.to_bytes(8, "big") + period.to_bytes(_PERIOD_BYTES, "big") + payload
    return hmac.new(secret, message, hashlib.sha256).digest()[:_MAC_BYTES]


def decode_token(token: object) -> bytes | None:
    """The bytes of an unpadded base64url token that fits a deep link, read only in its canonical spelling."""
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except ValueError:
        return None
    # Base64 can spell the same bytes several ways (unused low bits); only the canonical spelling is
    # accepted, so any edit of a token changes what is verified.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != token:
        return None
    return raw
