"""What a person reads for each error code; the edges (CLI, web, bot) call ``message`` in their language."""

from __future__ import annotations

from datetime import datetime
from string import Formatter
from typing import Any

from claims import errors
from claims.i18n import DEFAULT_TIMEZONE, LANGUAGES, N_, format_when, gettext

__all__ = ["LANGUAGES", "message"]

# Each code has its sentences, most complete first: the first whose facts are all known is used, so a
# refusal leaves out a date it does not know rather than print it empty.
_MESSAGES: dict[str, tuple[str, ...]] = {
    errors.UNKNOWN_CODE: (N_("This code does not exist. Check it, or ask the organiser for another one."),),
    errors.CODE_TYPO: (N_("This code has a typo: check it character by character."),),
    errors.CODE_USED: (N_("This code has already been used."),),
    errors.CODE_EXPIRED: (
        N_("This code closed on {valid_until}."),
        N_("This code is no longer valid."),
    ),
    errors.CODE_NOT_YET_VALID: (
        N_("This code opens on {valid_from}."),
        N_("This code is not valid yet."),
    ),
    errors.CODE_INACTIVE: (N_("This code has been deactivated by the organiser."),),
    errors.EVENT_CLOSED: (N_("The event is closed: badges are no longer handed out."),),
    errors.INVALID_INPUT: (N_("Invalid value: {field}."), N_("Invalid value.")),
    errors.NOT_FOUND: (N_("Not found: {what} {id}."), N_("Not found: {what}."), N_("Not found.")),
    errors.DISPLAY_TOKEN_INVALID: (N_("This QR code is not valid. Scan the one on the screen."),),
    errors.DISPLAY_TOKEN_EXPIRED: (N_("This QR code has expired. Scan the one on the screen now."),),
    errors.DISPLAY_ONLY: (N_("This code is claimed by scanning the QR code on the screen."),),
    errors.ORGANISER_LINK_INVALID: (
        N_("This organiser link is no longer valid (already used or expired): ask the event's organiser for a new "
           "one."),
    ),
    errors.KIOSK_CLOSED: (N_("This kiosk is no longer in service. Ask the organisers."),),
    errors.RATE_LIMITED: (
        N_("Too many wrong codes from this connection: try again in {minutes} min."),
        N_("Too many wrong codes from this connection: try again later."),
    ),
    errors.LOGIN_FAILED: (N_("Wrong e-mail address or password."),),
    errors.LINK_INVALID: (N_("This link is no longer valid: it was already used or has expired. Ask for a new one."),),
}

# Field names as a person knows them.
_FIELDS: dict[str, str] = {
    "email": N_("e-mail address"),
    "name": N_("name"),
    "code": N_("code"),
    "image": N_("image (PNG or SVG, 2 MB at most)"),
    "count": N_("number of codes (1 to 100,000)"),
    "max_claims": N_("maximum number of badges (at least 1)"),
    "ends": N_("end of the event (after the start)"),
    "valid_until": N_("end of validity (after the start)"),
    "target": N_("target (web or telegram)"),
    "issuer_url": N_("issuer web site (http:// or https://)"),
    "issuer_email": N_("issuer e-mail"),
    "issuer_name": N_("issuer name"),
    "description": N_("description"),
    "criteria": N_("criteria"),
    "badge": N_("badge (of another issuer)"),
    "telegram_bot_username": N_("Telegram bot name (setting BADGECLAIM_TELEGRAM_BOT_USERNAME)"),
    "validity_days": N_("validity (days, at least 1)"),
    "issuer_details": N_("issuer: the first time, give --issuer-name, --issuer-url and --issuer-email"),
    "nonce": N_("idempotency key (8 to 64 characters)"),
    "reason": N_("reason (500 characters at most)"),
    "display_only": N_("--display-only (only for a multi-use code, --max-claims)"),
    "timezone": N_("time zone (IANA name, e.g. Europe/Paris)"),
    "starts": N_("start of the event (years 2000 to 2199)"),
    "person": N_("person to forget: give either an e-mail address or a Telegram id"),
    "valid_from": N_("start of validity (years 2000 to 2199)"),
    "password": N_("password (10 characters at least)"),
    "role": N_("role (owner or organiser)"),
    "label": N_("label (100 characters at most)"),
    "display": N_("--display (a display-only multi-use code of this event)"),
}

# Why an uploaded image was refused (the ``reason`` codes of claims.images), said after the field.
# Why a typed text was refused, said after the field.
TEXT_REASONS: dict[str, str] = {
    "required": N_("It must be filled in."),
    "too_long": N_("It is too long."),
}

IMAGE_REASONS: dict[str, str] = {
    "too_large": N_("The file is over 2 MB."),
    "format": N_("It is neither a PNG nor an SVG."),
    "corrupt": N_("The PNG file is damaged."),
    "truncated": N_("The PNG file is incomplete: it stops before its end."),
    "trailing_data": N_("Unknown data follows the end of the PNG image."),
    "too_many_pixels": N_("The image is too large: 4096 × 4096 pixels at most."),
    "svg_entities": N_("The SVG has a <!DOCTYPE> line or entities: save it without them."),
    "svg_invalid": N_("The SVG is not well-formed XML."),
    "svg_too_deep": N_("The SVG nests elements too deeply (128 levels at most)."),
    "svg_unsafe": N_("The SVG cannot be made safe: it needs an <svg> root and a drawing without scripts or "
                     "external references."),
}

_WHAT: dict[str, str] = {
    "issuer": N_("issuer (run `badgeclaim init` first)"),
    "badge": N_("badge"),
    "event": N_("event"),
    "award": N_("award"),
    "batch": N_("batch of codes"),
    "kiosk": N_("kiosk"),
}


def message(code: str, language: str = "fr", **params: Any) -> str:
    """The sentence for ``code`` in ``language`` (French when the language is unknown).

    Datetime facts are shown in ``params["timezone"]`` (an IANA name), by default Europe/Paris.
    """
    sentences = _MESSAGES.get(code)
    if sentences is None:
        return code
    timezone = params.get("timezone") or DEFAULT_TIMEZONE
    values: dict[str, Any] = {}
    for key, value in params.items():
        if value is None or value == "":
            continue
        if isinstance(value, datetime):
            value = format_when(value, language, timezone)
        elif key == "field":
            value = gettext(language, _FIELDS[value]) if value in _FIELDS else value
        elif key == "what":
            value = gettext(language, _WHAT[value]) if value in _WHAT else value
        values[key] = value
    chosen = next((s for s in sentences if _placeholders(s) <= values.keys()), sentences[-1])
    text = gettext(language, chosen).format_map(_Blank(values))
    if code == errors.INVALID_INPUT and params.get("field") == "image" and params.get("reason") in IMAGE_REASONS:
        text += " " + gettext(language, IMAGE_REASONS[params["reason"]])
    elif code == errors.INVALID_INPUT and params.get("reason") in TEXT_REASONS:
        text += " " + gettext(language, TEXT_REASONS[params["reason"]])
    return text


def _placeholders(msgid: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(msgid) if name}


class _Blank(dict):  # type: ignore[type-arg]
    """Formatting values where an unknown fact reads as nothing rather than raising KeyError."""

    def __missing__(self, key: str) -> str:
        return ""
