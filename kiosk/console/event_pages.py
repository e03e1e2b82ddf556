"""What every page of one event shares: finding the organiser's event, its header and tabs, checked forms.

An event is looked up through the signed-in account's issuer, so another issuer's event (and so its
codes, kiosks, awards and organisers, all reached through it) answers 404 exactly like a missing one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from claims.errors import INVALID_INPUT, ClaimError
from claims.models import Event
from kiosk.console.forms import text
from kiosk.console.guard import get_own
from kiosk.console.identity import current_account
from kiosk.console.layout import render_console
from kiosk.i18n import LANGUAGE, N_, format_span, refusal_text, translate, zone
from kiosk.state import state_of

MAX_FIELD = 5000

# The tabs of an event's pages: route name -> English msgid.
TABS = (
    ("console_event", N_("Overview")),
    ("console_dashboard", N_("Live dashboard")),
    ("console_codes", N_("Claim codes")),
    ("console_kiosks", N_("Kiosks")),
    ("console_awards", N_("Awards")),
    ("console_telegram", N_("Telegram organisers")),
)


async def own_event(request: web.Request, session: AsyncSession) -> Event:
    """The event of the URL, if it is the signed-in account's issuer's; else a 404."""
    return await get_own(session, Event, request.match_info["event_id"], current_account(request))


def event_path(event: Event, *parts: str) -> str:
    return "/".join([f"/organiser/events/{event.id}", *parts])


def event_when(request: web.Request, event: Event) -> str:
    return format_span(event.starts_at, event.ends_at, request[LANGUAGE], zone(event.timezone,
                                                                             state_of(request).config.timezone))


def render_event_page(
    request: web.Request, template: str, event: Event, tab: str, context: Mapping[str, Any] | None = None, *,
    status: int = 200,
) -> web.Response:
    """``template`` with the event's header and tabs, and a CSRF token for its forms."""
    language = request[LANGUAGE]
    values: dict[str, Any] = {
        "event": event,
        "event_when": event_when(request, event),
        "event_base": event_path(event),
        "tabs": [(request.app.router[name].url_for(event_id=str(event.id)), translate(language, label), name == tab)
                 for name, label in TABS],
        "section": "events",
    }
    values.update(context or {})
    return render_console(request, template, values, status=status)


def text_field(form: Mapping[str, Any], name: str, limit: int = MAX_FIELD) -> str:
    """The field's text without the spaces around it (a pasted value often carries some)."""
    return text(form, name, limit + 100).strip()[:limit]


def int_field(form: Mapping[str, Any], name: str, *, low: int, high: int) -> int:
    """A whole number typed in ``name``, else ``invalid_input`` naming it (shown beside the field)."""
    try:
        value = int(text_field(form, name, 12))
    except ValueError:
        raise ClaimError(INVALID_INPUT, field=name) from None
    if not low <= value <= high:
        raise ClaimError(INVALID_INPUT, field=name)
    return value


def local_datetime_field(form: Mapping[str, Any], name: str, *, required: bool) -> datetime | None:
    """A wall time from an ``<input type="datetime-local">`` (no offset: read later in the event's zone)."""
    value = text_field(form, name, 32)
    if not value:
        if required:
            raise ClaimError(INVALID_INPUT, field=name)
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ClaimError(INVALID_INPUT, field=name) from None
    if parsed.tzinfo is not None:
        raise ClaimError(INVALID_INPUT, field=name)
    return parsed


# What to do about a refused field, said beside it: the core's field names are worded for the CLI.
FIELD_HELP: dict[str, str] = {
    "name": N_("Give a name, 200 characters at most."),
    "place": N_("200 characters at most."),
    "timezone": N_("Choose a time zone from the list."),
    "starts": N_("Give the day and time the event starts."),
    "ends": N_("Give the day and time the event ends, after its start."),
    "badge": N_("Choose one of your badges."),
    "count": N_("Give a number of cards from 1 to 100,000."),
    "max_claims": N_("Give how many badges the poster may give, at least 1."),
    "display_only": N_("Only a poster code can be display only."),
    "valid_from": N_("Give a day and time between the years 2000 and 2199."),
    "valid_until": N_("Claims must close after they open."),
    "label": N_("100 characters at most."),
    "display": N_("Choose a display-only poster code of this event."),
    "telegram_id": N_("A Telegram id is a number, such as 123456789."),
    "reason": N_("500 characters at most."),
}


def field_error(request: web.Request, error: ClaimError) -> tuple[str, str]:
    """(field, sentence) of a refusal, to show beside the field; ``form`` when it names none."""
    field = str(error.params.get("field") or "") if error.code == INVALID_INPUT else ""
    if field in FIELD_HELP:
        return field, translate(request[LANGUAGE], FIELD_HELP[field])
    text = refusal_text(error.code, error.params, request[LANGUAGE], state_of(request).config.timezone)
    return field or "form", text


def confirm_page(
    request: web.Request, event: Event, tab: str, *, heading: str, what: str, action: str, button: str,
    consequences: tuple[str, ...] = (), ask_reason: bool = False, reason: str = "", reason_error: str = "",
    status: int = 200,
) -> web.Response:
    """The page that asks before a destructive action (English msgids in, the request's language out)."""
    language = request[LANGUAGE]
    return render_event_page(request, "organiser/event_confirm.html", event, tab, {
        "heading": translate(language, heading), "what": what, "action": action,
        "button": translate(language, button), "consequences": [translate(language, c) for c in consequences],
        "back_url": str(request.app.router[tab].url_for(event_id=str(event.id))), "ask_reason": ask_reason,
        "values": {"reason": reason}, "errors": {"reason": reason_error},
    }, status=status)
