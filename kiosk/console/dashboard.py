"""The live dashboard of an event: claims over time, per badge and per channel, deliveries, as charts and tables.

The figures are rendered on the server (the bar chart is SVG with plain attributes, so the CSP forbids
nothing it needs); the page's small script swaps in the same fragment, rendered again, each time the
event stream (kiosk.console.live) says the figures moved.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session
from markupsafe import Markup

from claims.i18n import format_when
from claims.models import Event
from claims.statistics import EventStatistics, event_statistics
from kiosk.console.event_pages import event_path, own_event, render_event_page
from kiosk.console.live import stream_snapshots, web_session_alive
from kiosk.i18n import LANGUAGE
from kiosk.state import state_of

routes = web.RouteTableDef()

CHANNELS = ("web", "kiosk", "telegram", "cli")
MAX_BARS = 48
CHART_WIDTH, CHART_HEIGHT = 640, 200
_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Bar:
    label: str  # the hour in the event's zone, "14:00"
    count: int
    x: float
    y: float
    width: float
    height: float


def _hour_floor(value: datetime) -> datetime:
    return value.astimezone(dt_timezone.utc).replace(minute=0, second=0, microsecond=0)


def hour_bars(per_hour: list[tuple[datetime, int]], event: Event) -> list[Bar]:
    """One bar per hour of the event's day(s), and of any hour with claims before or after it (quiet hours at
    zero, so the chart reads as a clock); the last 48 at most. Labelled in the event's wall time."""
    counts = {_hour_floor(start): count for start, count in per_hour}
    first = min([_hour_floor(event.starts_at), *counts])
    last = max([_hour_floor(event.ends_at - timedelta(microseconds=1)), *counts])
    hours = []
    hour = first
    while hour <= last:
        hours.append((hour, counts.get(hour, 0)))
        hour += _HOUR
    if len(hours) > MAX_BARS:  # a long event: the 48 hours up to the last claim (or the end)
        end = max(counts) if counts else last
        hours = [pair for pair in hours if pair[0] <= end][-MAX_BARS:]
    top = max(count for _, count in hours) or 1
    # Bars never wider than a finger's width on the chart, so one busy hour does not fill it.
    slot = CHART_WIDTH / max(len(hours), 12)
    zone = ZoneInfo(event.timezone)
    bars = []
    for index, (start, count) in enumerate(hours):
        height = round(count / top * (CHART_HEIGHT - 24), 1)
        bars.append(Bar(start.astimezone(zone).strftime("%H:%M"), count, round(index * slot + slot * 0.15, 1),
                        round(CHART_HEIGHT - height, 1), round(slot * 0.7, 1), height))
    return bars


def figures_context(stats: EventStatistics, event: Event, language: str) -> dict[str, Any]:
    channels = [(name, stats.per_channel.get(name, 0)) for name in CHANNELS
                if name != "cli" or stats.per_channel.get(name, 0)]
    return {
        "language": language, "stats": stats, "channels": channels,
        "bars": hour_bars(list(stats.per_hour), event), "chart_width": CHART_WIDTH, "chart_height": CHART_HEIGHT,
    }


def render_figures(request: web.Request, stats: EventStatistics, event: Event) -> str:
    template = aiohttp_jinja2.get_env(request.app).get_template("organiser/dashboard_figures.html")
    return template.render(figures_context(stats, event, request[LANGUAGE]))


@routes.get("/organiser/events/{event_id}/dashboard", name="console_dashboard")
async def dashboard_page(request: web.Request) -> web.Response:
    state = state_of(request)
    async with state.sessionmaker() as session:
        event = await own_event(request, session)
        stats = await event_statistics(session, event.id, state.clock())
    return render_event_page(request, "organiser/dashboard.html", event, "console_dashboard", {
        "figures": Markup(render_figures(request, stats, event)),  # rendered by our autoescaping template
        "stream_url": event_path(event, "dashboard", "stream"),
        "updated": format_when(state.clock(), request[LANGUAGE], event.timezone),
    })


@routes.get("/organiser/events/{event_id}/dashboard/stream", name="console_dashboard_stream")
async def dashboard_stream(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    async with state.sessionmaker() as session:
        event = await own_event(request, session)
    cookie_key = (await get_session(request)).identity or ""
    session_key = hashlib.sha256(str(cookie_key).encode()).hexdigest()

    async def poll() -> dict[str, Any] | None:
        now = state.clock()
        async with state.sessionmaker() as session:
            # Logging out (here or in another process) deletes the row: the stream ends at its next poll.
            if not await web_session_alive(session, str(cookie_key), now):
                return None
            stats = await event_statistics(session, event.id, now)
        return {"total": stats.total, "html": render_figures(request, stats, event)}

    return await stream_snapshots(request, session_key, "figures", poll)
