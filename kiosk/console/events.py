"""Console pages of events: the list, creating one (its dates typed in its own time zone), its overview, closing it."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from sqlalchemy import func, select

from claims.errors import ClaimError
from claims.events import close_event, list_events
from claims.i18n import format_when, zone_label
from claims.models import ClaimCode, Issuer, Kiosk
from claims.organising import create_event
from kiosk.console.event_pages import (
    confirm_page, event_path, field_error, local_datetime_field, own_event, render_event_page, text_field,
)
from kiosk.console.identity import actor_of, current_account
from kiosk.console.layout import render_console
from kiosk.i18n import LANGUAGE, N_, format_span, zone
from kiosk.state import state_of

routes = web.RouteTableDef()

# The zones French-speaking organisers run events in, the installation's own added first when it is not here.
ZONES = (
    "Europe/Paris", "Europe/Brussels", "Europe/Luxembourg", "Europe/Zurich", "America/Montreal",
    "America/Guadeloupe", "America/Martinique", "America/Cayenne", "America/Miquelon", "Indian/Reunion",
    "Indian/Mayotte", "Pacific/Noumea", "Pacific/Tahiti", "Pacific/Wallis", "Africa/Dakar", "Africa/Abidjan",
    "UTC",
)
_EVENT_FIELDS = ("name", "place", "timezone", "starts", "ends")


def zone_choices(language: str, default: str) -> list[tuple[str, str]]:
    names = ZONES if default in ZONES else (default, *ZONES)
    return [(name, f"{name.replace('_', ' ')} — {zone_label(language, name)}" if name != "UTC" else "UTC")
            for name in names]


@routes.get("/organiser/events", name="console_events")
async def events_list(request: web.Request) -> web.Response:
    account = current_account(request)
    state = state_of(request)
    language = request[LANGUAGE]
    async with state.sessionmaker() as session:
        events = await list_events(session, account.issuer_id)
    rows = [{"event": event, "when": format_span(event.starts_at, event.ends_at, language,
                                                  zone(event.timezone, state.config.timezone)),
             "url": event_path(event)} for event in events]
    return render_console(request, "organiser/events.html", {"rows": rows, "now": state.clock(), "section": "events"})


def _event_form(request: web.Request, values: dict[str, str], errors: dict[str, str], status: int = 200) -> web.Response:
    default = state_of(request).config.timezone
    return render_console(request, "organiser/event_new.html", {
        "values": values, "errors": {name: "" for name in (*_EVENT_FIELDS, "form")} | errors,
        "zones": zone_choices(request[LANGUAGE], default), "section": "events",
    }, status=status)


@routes.get("/organiser/events/new", name="console_event_new")
async def event_new(request: web.Request) -> web.Response:
    values = {name: "" for name in _EVENT_FIELDS} | {"timezone": state_of(request).config.timezone}
    return _event_form(request, values, {})


@routes.post("/organiser/events/new", name="console_event_create")
async def event_create(request: web.Request) -> web.Response:
    state = state_of(request)
    account = current_account(request)
    form = await request.post()
    values = {name: text_field(form, name, 200) for name in _EVENT_FIELDS}
    try:
        starts = local_datetime_field(form, "starts", required=True)
        ends = local_datetime_field(form, "ends", required=True)
        assert starts is not None and ends is not None
        async with state.sessionmaker.begin() as session:
            issuer = await session.get(Issuer, account.issuer_id)
            assert issuer is not None  # an account's issuer row is never deleted
            event = await create_event(session, issuer, name=values["name"], starts_at=starts, ends_at=ends,
                                       place=values["place"], timezone=values["timezone"], now=state.clock())
    except ClaimError as error:
        field, text = field_error(request, error)
        return _event_form(request, values, {field if field in _EVENT_FIELDS else "form": text}, status=422)
    raise web.HTTPSeeOther(event_path(event))


@routes.get("/organiser/events/{event_id}", name="console_event")
async def event_overview(request: web.Request) -> web.Response:
    state = state_of(request)
    async with state.sessionmaker() as session:
        event = await own_event(request, session)
        codes = await session.scalar(select(func.count()).select_from(ClaimCode)
                                     .where(ClaimCode.event_id == event.id, ClaimCode.active.is_(True))) or 0
        kiosks = await session.scalar(select(func.count()).select_from(Kiosk)
                                      .where(Kiosk.event_id == event.id, Kiosk.revoked_at.is_(None))) or 0
    return render_event_page(request, "organiser/event.html", event, "console_event", {
        "active_codes": codes, "open_kiosks": kiosks, "closed_when": _closed_when(request, event.closed_at,
                                                                                  event.timezone),
    })


def _closed_when(request: web.Request, closed_at: datetime | None, timezone: str) -> str:
    return format_when(closed_at, request[LANGUAGE], timezone) if closed_at is not None else ""


@routes.get("/organiser/events/{event_id}/close", name="console_event_close")
async def event_close_confirm(request: web.Request) -> web.Response:
    async with state_of(request).sessionmaker() as session:
        event = await own_event(request, session)
    return confirm_page(
        request, event, "console_event", heading=N_("Close this event?"), what=event.name,
        consequences=(N_("None of its codes will give a badge any more, on any channel."),
                      N_("The badges already given stay valid.")),
        action=event_path(event, "close"), button=N_("Close the event"),
    )


@routes.post("/organiser/events/{event_id}/close", name="console_event_close_submit")
async def event_close(request: web.Request) -> web.Response:
    state = state_of(request)
    async with state.sessionmaker.begin() as session:
        event = await own_event(request, session)
        close_event(session, event, state.clock(), actor=actor_of(current_account(request)))
    raise web.HTTPSeeOther(event_path(event))
