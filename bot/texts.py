"""The bot's words: catalogue look-ups in the person's language, and the command menu."""

from __future__ import annotations

from typing import Any

from telegram import User

from claims.i18n import LANGUAGES, N_, gettext

# The public menu (setMyCommands); /stats and /codes are for organisers and are told to them when linked.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Get a badge: send the code or a photo of its QR code")),
    ("mybadges", N_("My badges")),
    ("language", N_("Choose the language (français / English)")),
    ("privacy", N_("What is kept about me")),
    ("forget", N_("Erase my personal data")),
    ("help", N_("How it works")),
)

WELCOME = N_("Hello! I hand out the badges of your event. Send me the code printed on your card, or a photo "
             "of its QR code. /help tells you more.")


def say(language: str, msgid: str, **params: Any) -> str:
    """``msgid`` in ``language``, its ``{placeholders}`` filled after translation."""
    text = gettext(language, msgid)
    return text.format(**params) if params else text


def user_language(user: User | None, chosen: str | None) -> str:
    """The language chosen with /language, else Telegram's: English for "en…", French for everything else."""
    if chosen in LANGUAGES:
        return chosen
    code = (user.language_code or "") if user is not None else ""
    return "en" if code.lower().startswith("en") else "fr"
