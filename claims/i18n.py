"""The one text catalogue (claims/locale, gettext read with Babel at run time) and times shown in an event's zone."""

from __future__ import annotations

import functools
import gettext as _gettext
import io
from datetime import datetime, timezone as _utc_zone
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.core import get_global, negotiate_locale
from babel.dates import format_skeleton, format_time, get_timezone_location
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
DEFAULT_TIMEZONE = "Europe/Paris"
DOMAIN = "badgeclaim"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def N_(msgid: str) -> str:
    """Mark ``msgid`` for the catalogue where it is written; it is translated later, where the language is known."""
    return msgid


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def translations(language: str) -> _gettext.GNUTranslations:
    """The compiled catalogue of ``language`` (French for a language we do not have); Jinja2 can install it."""
    return _translations(language if language in LANGUAGES else DEFAULT_LANGUAGE)


@functools.cache
def _translations(language: str) -> _gettext.GNUTranslations:
    return _gettext.GNUTranslations(io.BytesIO(compiled_catalogue(language)))


def compiled_catalogue(language: str) -> bytes:
    """The .mo bytes of ``language``'s catalogue, compiled from its .po in memory once per process."""
    return _compile(language if language in LANGUAGES else DEFAULT_LANGUAGE)


@functools.cache
def _compile(language: str) -> bytes:
    # The .po file is the only artefact: nobody has a .mo to rebuild (or forget to rebuild) after editing it.
    with catalogue_path(language).open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    return compiled.getvalue()


def gettext(language: str, msgid: str) -> str:
    return translations(language).gettext(msgid)


def ngettext(language: str, singular: str, plural: str, n: int) -> str:
    return translations(language).ngettext(singular, plural, n)


def negotiate(header: str | None, default: str) -> str:
    """Our language for an Accept-Language header or a Telegram ``language_code`` ("en-GB" → "en")."""
    fallback = default if default in LANGUAGES else DEFAULT_LANGUAGE
    if not header:
        return fallback
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, quality = part.strip().partition(";")
        try:
            weight = float(quality.strip()[2:]) if quality.strip().startswith("q=") else 1.0
        except ValueError:
            continue
        tag = tag.strip().replace("_", "-")
        if tag and tag != "*" and weight > 0:
            ranked.append((-weight, position, tag))
    chosen = negotiate_locale([tag for _, _, tag in sorted(ranked)], LANGUAGES, sep="-", aliases=None)
    return chosen.lower() if chosen else fallback


def format_when(value: datetime, language: str, timezone: str) -> str:
    """``value`` as a person reads it: date and wall time in the IANA zone ``timezone``, the zone named.

    A naive ``value`` is UTC (what the database stores). The machine's own zone is never used.
    """
    date, time = _wall_time(value, language, timezone)
    return gettext(language, N_("{date} at {time} ({zone})")).format(
        date=date, time=time, zone=zone_label(language, timezone)
    )


def format_wall_time(value: datetime, language: str, timezone: str) -> str:
    """Like ``format_when`` without naming the zone, for a sentence that names it once for two times."""
    date, time = _wall_time(value, language, timezone)
    return gettext(language, N_("{date} at {time}")).format(date=date, time=time)


def _wall_time(value: datetime, language: str, timezone: str) -> tuple[str, str]:
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    zone = ZoneInfo(timezone)
    local = (value if value.tzinfo else value.replace(tzinfo=_utc_zone.utc)).astimezone(zone)
    # A full month name and a 24-hour clock in both languages: "3 décembre 2026", "December 3, 2026", "09:00".
    return format_skeleton("yMMMMd", local, locale=language), format_time(local, "HH:mm", locale=language)


def zone_label(language: str, timezone: str) -> str:
    """The zone as CLDR names it for a reader ("heure : France", "France Time"), else its IANA name ("UTC")."""
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    canonical = get_global("zone_aliases").get(timezone, timezone)
    # CLDR's location format needs a territory; UTC and the Etc/ zones have none ("unknown region").
    if get_global("zone_territories").get(canonical) in (None, "ZZ", "001"):
        return timezone
    return get_timezone_location(ZoneInfo(timezone), locale=language)
