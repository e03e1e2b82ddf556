"""Console event pages: who may open them, creating an event in its own time zone, closing it."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from claims.models import AuditEntry, Event
from console_event_support import anonymous, signed_in  # noqa: F401  (fixtures)
from console_event_support import event_url, other_issuers_event, sign_in_directly

SOME = str(uuid.uuid4())
# Every GET page of an event, relative to the event's URL.
EVENT_PAGES = ["", "close", "codes", f"codes/{SOME}/codes.pdf", f"codes/{SOME}/codes.csv", f"codes/{SOME}/deactivate",
               "kiosks", f"kiosks/{SOME}/revoke", "awards", "awards.csv", f"awards/{SOME}/revoke", "telegram",
               "telegram/123/remove", "dashboard", "dashboard/stream"]
# Every POST action of an event, relative to the event's URL.
EVENT_ACTIONS = ["close", "codes", f"codes/{SOME}/deactivate", "kiosks", f"kiosks/{SOME}/revoke",
                 f"awards/{SOME}/revoke", f"awards/{SOME}/resend", "telegram", "telegram/link", "telegram/123/remove"]


@pytest.mark.parametrize("page", ["/organiser/events", "/organiser/events/new",
                                  *(f"/organiser/events/{SOME}/{p}".rstrip("/") for p in EVENT_PAGES)])
async def test_anonymous_visitor_is_sent_to_sign_in(anonymous, page):
    response = await anonymous.client.get(page, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"].startswith("/organiser/login?next=")


@pytest.mark.parametrize("page", EVENT_PAGES)
async def test_another_issuers_event_pages_are_not_found(signed_in, page):
    other = await other_issuers_event(signed_in.db, signed_in.clock.now)
    status, _ = await signed_in.page(f"/organiser/events/{other.id}/{page}".rstrip("/"))
    assert status == 404


@pytest.mark.parametrize("action", EVENT_ACTIONS)
async def test_another_issuers_event_actions_are_not_found(signed_in, action):
    other = await other_issuers_event(signed_in.db, signed_in.clock.now)
    response = await signed_in.post(f"/organiser/events/{other.id}/{action}", {"reason": "x", "telegram_id": "5"})
    assert response.status == 404


@pytest.mark.parametrize("action", ["/organiser/events/new", *(f"EVENT/{a}" for a in EVENT_ACTIONS)])
async def test_a_form_without_its_csrf_token_is_refused(signed_in, action):
    path = action.replace("EVENT", event_url(signed_in.world))
    response = await signed_in.post(path, {"name": "x"}, csrf=False)
    assert response.status == 403


async def test_the_list_shows_only_the_issuers_own_events(signed_in):
    other = await other_issuers_event(signed_in.db, signed_in.clock.now)
    status, html = await signed_in.page("/organiser/events")
    assert status == 200
    assert signed_in.world.event.name in html and other.name not in html


async def test_an_event_is_created_with_its_dates_read_in_its_own_zone(signed_in):
    response = await signed_in.post("/organiser/events/new", {
        "name": "Atelier à Nouméa", "place": "Nouméa", "timezone": "Pacific/Noumea",
        "starts": "2026-12-03T09:00", "ends": "2026-12-03T17:00"})
    assert response.status == 303
    async with signed_in.db.sessionmaker() as session:
        event = await session.scalar(select(Event).where(Event.name == "Atelier à Nouméa"))
    assert event.starts_at == datetime(2026, 12, 2, 22, 0, tzinfo=timezone.utc)
    assert response.headers["Location"] == f"/organiser/events/{event.id}"
    status, html = await signed_in.page(response.headers["Location"])
    assert status == 200 and "09:00 à 17:00" in html and "Nouvelle-Calédonie" in html


async def test_an_end_before_the_start_is_said_beside_the_end_with_the_values_kept(signed_in):
    response = await signed_in.post("/organiser/events/new", {
        "name": "Atelier", "place": "Poitiers", "timezone": "Europe/Paris",
        "starts": "2026-12-03T17:00", "ends": "2026-12-03T09:00"}, headers={"Accept-Language": "en"})
    html = await response.text()
    assert response.status == 422
    assert 'id="f-ends-error">Give the day and time the event ends, after its start.' in html
    assert 'value="Poitiers"' in html and 'value="2026-12-03T17:00"' in html


async def test_a_missing_name_is_said_beside_the_name_in_french(signed_in):
    response = await signed_in.post("/organiser/events/new", {
        "name": "", "timezone": "Europe/Paris", "starts": "2026-12-03T09:00", "ends": "2026-12-03T17:00"},
        headers={"Accept-Language": "fr"})
    assert response.status == 422
    assert 'id="f-name-error">Donnez un nom' in await response.text()


async def test_an_unknown_zone_is_refused_beside_the_zone(signed_in):
    response = await signed_in.post("/organiser/events/new", {
        "name": "A", "timezone": "Mars/Olympus", "starts": "2026-12-03T09:00", "ends": "2026-12-03T17:00"})
    assert response.status == 422 and 'id="f-timezone-error"' in await response.text()


async def test_closing_asks_first(signed_in):
    status, html = await signed_in.page(event_url(signed_in.world, "close"))
    assert status == 200 and f'action="{event_url(signed_in.world, "close")}"' in html
    async with signed_in.db.sessionmaker() as session:
        assert (await session.get(Event, signed_in.world.event.id)).closed_at is None


async def test_closing_the_event_is_audited_with_the_account_and_issuer(signed_in):
    response = await signed_in.post(event_url(signed_in.world, "close"))
    assert response.status == 303
    async with signed_in.db.sessionmaker() as session:
        event = await session.get(Event, signed_in.world.event.id)
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "event.closed"))
    assert event.closed_at == signed_in.clock.now
    assert entry.issuer_id == signed_in.world.issuer.id and entry.actor.startswith("account:")


async def test_the_issuers_owner_runs_events_too(anonymous):
    await sign_in_directly(anonymous, role="owner")
    status, _ = await anonymous.page(event_url(anonymous.world))
    assert status == 200
