"""What a person reads for each error code, in French and English; the edges (CLI, web, bot) look it up here."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from claims import errors

LANGUAGES = ("fr", "en")

_MESSAGES: dict[str, dict[str, str]] = {
    errors.UNKNOWN_CODE: {
        "fr": "Ce code n'existe pas. Vérifiez-le ou demandez-en un autre à l'organisateur.",
        "en": "This code does not exist. Check it, or ask the organiser for another one.",
    },
    errors.CODE_TYPO: {
        "fr": "Ce code contient une faute de frappe : relisez-le caractère par caractère.",
        "en": "This code has a typo: check it character by character.",
    },
    errors.CODE_USED: {
        "fr": "Ce code a déjà été utilisé.",
        "en": "This code has already been used.",
    },
    errors.CODE_EXPIRED: {
        "fr": "Ce code n'est plus valable (depuis le {valid_until}).",
        "en": "This code is no longer valid (since {valid_until}).",
    },
    errors.CODE_NOT_YET_VALID: {
        "fr": "Ce code n'est pas encore valable (à partir du {valid_from}).",
        "en": "This code is not valid yet (from {valid_from}).",
    },
    errors.CODE_INACTIVE: {
        "fr": "Ce code a été désactivé par l'organisateur.",
        "en": "This code has been deactivated by the organiser.",
    },
    errors.EVENT_CLOSED: {
        "fr": "L'événement est clos : les badges ne sont plus délivrés.",
        "en": "The event is closed: badges are no longer handed out.",
    },
    errors.INVALID_INPUT: {
        "fr": "Valeur invalide : {field}.",
        "en": "Invalid value: {field}.",
    },
    errors.NOT_FOUND: {
        "fr": "Introuvable : {what} {id}.",
        "en": "Not found: {what} {id}.",
    },
    errors.DISPLAY_TOKEN_INVALID: {
        "fr": "Ce QR code n'est pas valide. Scannez celui affiché à l'écran.",
        "en": "This QR code is not valid. Scan the one on the screen.",
    },
    errors.DISPLAY_ONLY: {
        "fr": "Ce code se réclame en scannant le QR affiché à l'écran.",
        "en": "This code is claimed by scanning the QR code on the screen.",
    },
    errors.RATE_LIMITED: {
        "fr": "Trop de codes erronés depuis cette connexion : réessayez plus tard (dans {minutes} min).",
        "en": "Too many wrong codes from this connection: try again later (in {minutes} min).",
    },
    errors.DISPLAY_TOKEN_EXPIRED: {
        "fr": "Ce QR code a expiré. Scannez celui affiché à l'écran en ce moment.",
        "en": "This QR code has expired. Scan the one on the screen now.",
    },
}

# Field names as a person knows them.
_FIELDS: dict[str, dict[str, str]] = {
    "email": {"fr": "adresse e-mail", "en": "e-mail address"},
    "name": {"fr": "nom", "en": "name"},
    "code": {"fr": "code", "en": "code"},
    "image": {"fr": "image (PNG ou SVG, 2 Mo au plus)", "en": "image (PNG or SVG, 2 MB at most)"},
    "count": {"fr": "nombre de codes (1 à 100 000)", "en": "number of codes (1 to 100,000)"},
    "max_claims": {"fr": "nombre maximal de badges (au moins 1)", "en": "maximum number of badges (at least 1)"},
    "ends": {"fr": "fin de l'événement (après le début)", "en": "end of the event (after the start)"},
    "valid_until": {"fr": "fin de validité (après le début)", "en": "end of validity (after the start)"},
    "target": {"fr": "cible (web ou telegram)", "en": "target (web or telegram)"},
    "issuer_url": {"fr": "site de l'émetteur (http:// ou https://)", "en": "issuer web site (http:// or https://)"},
    "issuer_email": {"fr": "e-mail de l'émetteur", "en": "issuer e-mail"},
    "issuer_name": {"fr": "nom de l'émetteur", "en": "issuer name"},
    "issuer_details": {
        "fr": "émetteur : la première fois, donnez --issuer-name, --issuer-url et --issuer-email",
        "en": "issuer: the first time, give --issuer-name, --issuer-url and --issuer-email",
    },
    "nonce": {"fr": "clé d'idempotence (8 à 64 caractères)", "en": "idempotency key (8 to 64 characters)"},
    "reason": {"fr": "motif (500 caractères au plus)", "en": "reason (500 characters at most)"},
    "description": {"fr": "description", "en": "description"},
    "criteria": {"fr": "critères", "en": "criteria"},
    "badge": {"fr": "badge (d'un autre émetteur)", "en": "badge (of another issuer)"},
    "telegram_bot_username": {
        "fr": "nom du bot Telegram (réglage BADGECLAIM_TELEGRAM_BOT_USERNAME)",
        "en": "Telegram bot name (setting BADGECLAIM_TELEGRAM_BOT_USERNAME)",
    },
    "display_only": {
        "fr": "--display-only (seulement pour un code multi-usage, --max-claims)",
        "en": "--display-only (only for a multi-use code, --max-claims)",
    },
    "timezone": {
        "fr": "fuseau horaire (nom IANA, par ex. Europe/Paris)",
        "en": "time zone (IANA name, e.g. Europe/Paris)",
    },
    "starts": {"fr": "début de l'événement (années 2000 à 2199)", "en": "start of the event (years 2000 to 2199)"},
    "valid_from": {"fr": "début de validité (années 2000 à 2199)", "en": "start of validity (years 2000 to 2199)"},
    "validity_days": {"fr": "durée de validité (jours, au moins 1)", "en": "validity (days, at least 1)"},
}

_WHAT: dict[str, dict[str, str]] = {
    "issuer": {"fr": "émetteur (lancez d'abord « badgeclaim init »)", "en": "issuer (run `badgeclaim init` first)"},
    "badge": {"fr": "badge", "en": "badge"},
    "event": {"fr": "événement", "en": "event"},
    "award": {"fr": "badge délivré", "en": "award"},
}


def message(code: str, language: str = "fr", **params: Any) -> str:
    """The sentence for ``code`` in ``language`` (French when the language is unknown)."""
    lang = language if language in LANGUAGES else "fr"
    entry = _MESSAGES.get(code)
    if entry is None:
        return code
    values = dict(params)
    if "field" in values:
        values["field"] = _FIELDS.get(values["field"], {}).get(lang, values["field"])
    if "what" in values:
        values["what"] = _WHAT.get(values["what"], {}).get(lang, values["what"])
    values.setdefault("id", "")
    for key, value in values.items():
        if isinstance(value, datetime):
            values[key] = format_when(value, lang)
    template = entry[lang]
    for name in re.findall(r"\{(\w+)\}", template):
        if name not in values:  # leave out a "(since …)" whose fact is not known rather than print it empty
            template = re.sub(r"\s*\([^()]*\{%s\}[^()]*\)" % name, "", template)
    return template.format_map(_Missing(values)).replace("  ", " ").replace(" .", ".")


def format_when(value: datetime, language: str) -> str:
    """A date and time as a person reads it in ``language``, on this machine's clock."""
    # The reader's clock is the machine's: events are local, and so is whoever runs this installation.
    local = value.astimezone()
    return local.strftime("%d/%m/%Y à %H:%M") if language == "fr" else local.strftime("%Y-%m-%d %H:%M")


class _Missing(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return ""
