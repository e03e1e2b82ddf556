"""The language of each request (?lang=, its cookie, Accept-Language, the default) and the words in it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Awaitable, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web
from jinja2 import Environment, pass_context

from claims import i18n
from claims.i18n import N_, translations
from claims.messages import message

LANGUAGES = ("fr", "en")
LANGUAGE_COOKIE = "badgeclaim_lang"
LANGUAGE = web.RequestKey("language", str)
# A year: the toggle is a preference, not a session.
_COOKIE_MAX_AGE = 365 * 24 * 3600

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def translate(language: str, message: str, **values: Any) -> str:
    """``message`` (an English msgid) in ``language``, with its ``%(name)s`` values filled in."""
    text = translations(language).gettext(message)
    return text % values if values else text


def negotiate(header: str | None, default: str) -> str:
    """The first of our languages in an Accept-Language header, by weight; ``default`` when none is."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else default


def request_language(request: web.Request, default: str) -> tuple[str, bool]:
    """(language, whether to remember it): ?lang= first, then the cookie, Accept-Language, the default."""
    asked = request.query.get("lang", "")
    if asked in LANGUAGES:
        return asked, request.cookies.get(LANGUAGE_COOKIE) != asked
    remembered = request.cookies.get(LANGUAGE_COOKIE, "")
    if remembered in LANGUAGES:
        return remembered, False
    return negotiate(request.headers.get("Accept-Language"), default), False


def language_middleware(default: str) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        language, remember = request_language(request, default)
        request[LANGUAGE] = language
        response = await handler(request)
        if remember:
            response.set_cookie(LANGUAGE_COOKIE, language, max_age=_COOKIE_MAX_AGE, path="/", samesite="Lax",
                                httponly=True, secure=request.secure)
        return response

    return middleware


def install_gettext(env: Environment) -> None:
    """``_()``/``{% trans %}`` in templates translate into the ``language`` of the rendering context."""

    @pass_context
    def gettext(context: Any, message: str) -> str:
        return translations(context.get("language", "fr")).gettext(message)

    @pass_context
    def ngettext(context: Any, singular: str, plural: str, n: int) -> str:
        return translations(context.get("language", "fr")).ngettext(singular, plural, n)

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]


def zone(name: str | None, fallback: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or fallback)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(fallback)


def format_when(value: datetime, language: str, timezone: ZoneInfo) -> str:
    """A date and time in the event's time zone, the zone named, as the catalogue writes it everywhere."""
    return i18n.format_when(value, language, timezone.key)


def format_span(starts: datetime, ends: datetime, language: str, timezone: ZoneInfo) -> str:
    """When an event runs: one day with its hours, or its first and last days."""
    first, last = starts.astimezone(timezone), ends.astimezone(timezone)
    if first.date() == last.date():
        # The hours are the event's wall time: the zone is named, so nobody reads them in their own.
        hours = translate(language, N_("%(day)s, %(start)s–%(end)s"), day=format_day(first, language, timezone),
                          start=first.strftime("%H:%M"), end=last.strftime("%H:%M"))
        return f"{hours} ({i18n.zone_label(language, timezone.key)})"
    return translate(language, N_("%(first)s to %(last)s"), first=format_day(first, language, timezone),
                     last=format_day(last, language, timezone))


def format_day(value: datetime, language: str, timezone: ZoneInfo) -> str:
    local = value.astimezone(timezone)
    return local.strftime("%d/%m/%Y") if language == "fr" else local.strftime("%Y-%m-%d")


def refusal_text(code: str, params: dict[str, Any], language: str, default_timezone: str) -> str:
    """The catalogue's sentence for a refusal, its dates written in the event's time zone."""
    return message(code, language, **{**params, "timezone": zone(params.get("timezone"), default_timezone).key})
