"""Claim codes: random, typable, self-checking strings and the parsing of whatever a person types or scans."""

from __future__ import annotations

import re
import secrets
from urllib.parse import parse_qs, unquote, urlsplit

from claims.display_tokens import looks_like_display_token
from claims.errors import CODE_TYPO, INVALID_INPUT, UNKNOWN_CODE, ClaimError

# Crockford's base32: no I, L, O or U, so nothing on a card can be read two ways; when typed, the
# look-alikes are mapped back (O -> 0, I/L -> 1) instead of being refused.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_BASE = len(ALPHABET)

DATA_LENGTH = 14  # 14 x 5 bits = 70 random bits, above the 60 bits a single-use card needs
CODE_LENGTH = DATA_LENGTH + 1  # plus one check character
GROUP = 5

# What may stand between the characters of a typed code: spaces, dashes, dots, underscores.
_SEPARATORS = re.compile(r"[\s\-_.\u2010-\u2015\u00a0]+")
_DEEP_LINK = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _check_character(data: str) -> str:
    """Luhn mod 32: catches every single-character substitution and most adjacent swaps."""
    factor = 2
    total = 0
    for ch in reversed(data):
        addend = factor * _VALUE[ch]
        factor = 1 if factor == 2 else 2
        total += addend // _BASE + addend % _BASE
    return ALPHABET[(_BASE - total % _BASE) % _BASE]


def _checks_out(code: str) -> bool:
    return _check_character(code[:-1]) == code[-1]


def generate_code() -> str:
    """A new canonical code (15 characters, no separators) from the OS's CSPRNG."""
    data = "".join(secrets.choice(ALPHABET) for _ in range(DATA_LENGTH))
    return data + _check_character(data)


def format_code(code: str) -> str:
    """The grouped form printed on cards: ``7KQM3-XTPW9-RDHJ2``."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def is_deep_link_safe(text: str) -> bool:
    """Whether ``text`` can ride in a Telegram ``/start`` deep link."""
    return bool(_DEEP_LINK.match(text))


def claim_part(text: str) -> str:
    """The code (or display token) part of a claim URL (``…/c/<code>``, ``?start=<code>``, ``?code=<code>``) or the text itself."""
    if "://" not in text and not text.lower().startswith(("t.me/", "tg:")):
        return text
    parts = urlsplit(text if "://" in text or text.startswith("tg:") else "https://" + text)
    query = parse_qs(parts.query)
    for key in ("start", "code"):
        if query.get(key):
            return query[key][0]
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if len(segments) >= 2 and segments[-2] == "c":
        return segments[-1]
    raise ClaimError(UNKNOWN_CODE)


def claim_text_in_qr(qr_text: str, *, public_url: str, bot_username: str) -> str | None:
    """What a claim would take out of a decoded QR: a code (grouped as printed) or a display token, when the
    QR is one of ours (our claim URL, our bot's deep link, or a bare code); None for any other QR (a web
    site, a Wi-Fi QR), which a person is told is "not a badge code" rather than "this code does not exist"."""
    text = qr_text.strip()
    if "://" not in text:
        return _claimable(text)
    parts, ours = urlsplit(text), urlsplit(public_url)
    host = parts.netloc.lower()
    claim_path = ours.path.rstrip("/") + "/c/"
    if host == ours.netloc.lower() and parts.path.startswith(claim_path):
        return _claimable(unquote(parts.path[len(claim_path):]))
    bot = bot_username.lstrip("@").lower()
    if bot and host in ("t.me", "telegram.me") and parts.path.strip("/").lower() == bot:
        start = parse_qs(parts.query).get("start")
        return _claimable(start[0]) if start else None
    return None


def _claimable(text: str) -> str | None:
    if looks_like_display_token(text):
        return text
    try:
        return format_code(parse_code(text))
    except ClaimError:
        return None


def normalise_code(text: str) -> str:
    """Upper-case, drop separators, map look-alikes; no validity check."""
    return _SEPARATORS.sub("", text).upper().translate(_LOOK_ALIKES)


def parse_code(text: str) -> str:
    """The canonical code in ``text`` (a typed code or any claim URL), or a ClaimError saying why not.

    ``code_typo`` when it has the shape of a code but a character is wrong, missing or extra, so the person
    is told to look again rather than that the code does not exist.
    """
    if not isinstance(text, str) or not text.strip():
        raise ClaimError(INVALID_INPUT, field="code")
    if len(text) > 2048:
        raise ClaimError(INVALID_INPUT, field="code")
    code = normalise_code(claim_part(text.strip()))
    if len(code) == CODE_LENGTH and all(ch in _VALUE for ch in code):
        if _checks_out(code):
            return code
        raise ClaimError(CODE_TYPO)
    if abs(len(code) - CODE_LENGTH) <= 2 and code.isalnum() and code.isascii():
        raise ClaimError(CODE_TYPO)
    raise ClaimError(UNKNOWN_CODE)


def claim_link(code: str, *, public_url: str, target: str = "web", bot_username: str | None = None) -> str:
    """What a printed QR carries: the phone claim page, or the Telegram deep link (``/start <code>``)."""
    if target == "telegram":
        if not bot_username:
            raise ClaimError(INVALID_INPUT, field="telegram_bot_username")
        return f"https://t.me/{bot_username.lstrip('@')}?start={code}"
    return f"{public_url.rstrip('/')}/c/{code}"
