"""The live dashboard: its figures as tables, the event stream's update after a claim, its limits; Telegram organisers."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from claims.models import AuditEntry, EventOrganiser
from console_event_support import anonymous, signed_in  # noqa: F401  (fixtures)
from console_event_support import claim, event_url
from kiosk.console.live import LIVE_STREAMS


async def next_event(response: Any) -> tuple[str, dict[str, Any]]:
    """The next server-sent event (name, JSON data) on the stream, skipping comments and ``retry:``."""
    name, data = "", ""
    while True:
        line = (await asyncio.wait_for(response.content.readline(), 30)).decode().rstrip("\n")
        if not line:
            if name:
                return name, json.loads(data)
            continue
        field, _, value = line.partition(": ")
        if field == "event":
            name = value
        elif field == "data":
            data = value


def quick(console: Any) -> None:
    console.client.app[LIVE_STREAMS].poll_seconds = 0.05


async def test_the_dashboard_shows_the_figures_as_tables(signed_in):
    await claim(signed_in.db, signed_in.world, signed_in.clock.now, name="A")
    await claim(signed_in.db, signed_in.world, signed_in.clock.now, name="B", channel="kiosk")
    status, html = await signed_in.page(event_url(signed_in.world, "dashboard"))
    assert status == 200
    assert re.search(r'id="total-awards"[^>]*>2<', html)
    assert re.search(r'data-channel="kiosk">1<', html) and re.search(r'data-channel="web">1<', html)
    assert "<svg" in html and "<table" in html


async def test_the_stream_sends_a_new_count_after_a_claim(signed_in):
    quick(signed_in)
    response = await signed_in.client.get(event_url(signed_in.world, "dashboard", "stream"))
    assert response.headers["Content-Type"].startswith("text/event-stream")
    name, first = await next_event(response)
    assert (name, first["total"]) == ("figures", 0)
    await claim(signed_in.db, signed_in.world, signed_in.clock.now, name="Camille")
    # Making the claim's code already moves the figures (its badge is listed at 0): a few events may come.
    for _ in range(5):
        name, second = await next_event(response)
        if second["total"]:
            break
    assert (name, second["total"]) == ("figures", 1) and 'data-total="1"' in second["html"]
    response.close()


async def test_the_stream_ends_when_the_session_is_logged_out(signed_in):
    quick(signed_in)
    response = await signed_in.client.get(event_url(signed_in.world, "dashboard", "stream"))
    await next_event(response)
    assert (await signed_in.post("/organiser/logout")).status in (302, 303)
    name, _ = await next_event(response)
    assert name == "end"


async def test_a_session_may_hold_only_a_few_streams(signed_in):
    quick(signed_in)
    limit = signed_in.client.app[LIVE_STREAMS].max_per_session
    streams = [await signed_in.client.get(event_url(signed_in.world, "dashboard", "stream")) for _ in range(limit)]
    for stream in streams:
        await next_event(stream)
    refused = await signed_in.client.get(event_url(signed_in.world, "dashboard", "stream"))
    assert refused.status == 429
    for stream in streams:
        stream.close()


async def test_hours_in_the_chart_are_the_events_wall_time(signed_in):
    await claim(signed_in.db, signed_in.world, signed_in.clock.now - timedelta(minutes=5))
    status, html = await signed_in.page(event_url(signed_in.world, "dashboard"))
    # 09:55 UTC in June is 11:55 in Paris: the bar of 11:00.
    assert "<td>11:00</td>" in html


async def test_a_telegram_organiser_is_added_then_removed_after_a_confirmation(signed_in):
    added = await signed_in.post(event_url(signed_in.world, "telegram"), {"telegram_id": "123456789"})
    assert added.status == 303
    path = event_url(signed_in.world, "telegram", "123456789", "remove")
    status, html = await signed_in.page(path)
    assert status == 200 and f'action="{path}"' in html
    assert (await signed_in.post(path)).status == 303
    async with signed_in.db.sessionmaker() as session:
        assert await session.scalar(select(EventOrganiser)) is None
        actions = set(await session.scalars(select(AuditEntry.action)))
    assert {"event.organiser_added", "event.organiser_removed"} <= actions


async def test_a_telegram_id_that_is_not_a_number_is_said_beside_it(signed_in):
    response = await signed_in.post(event_url(signed_in.world, "telegram"), {"telegram_id": "@camille"},
                                headers={"Accept-Language": "en"})
    assert response.status == 422
    assert 'id="f-telegram_id-error">A Telegram id is a number' in await response.text()


async def test_a_one_time_link_is_shown_once(signed_in):
    response = await signed_in.post(event_url(signed_in.world, "telegram", "link"))
    assert response.status == 201
    assert re.search(r"https://t\.me/badges_bot\?start=org_[A-Za-z0-9_-]+", await response.text())
