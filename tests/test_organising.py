"""Setting up events and codes: time zones of typed dates, dates out of range, display-only codes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from claims import errors
from claims.errors import ClaimError
from claims.models import ClaimCode, Event
from claims.organising import claim_window, create_codes, create_event
from sqlalchemy import select


async def _event(db, world, now, **kwargs):  # type: ignore[no-untyped-def]
    async with db.sessionmaker.begin() as session:
        return await create_event(session, world.issuer, name="Atelier", now=now, **kwargs)


async def test_dates_without_offset_are_read_in_the_events_zone_not_the_machines(db, world, now):
    event = await _event(db, world, now, starts_at=datetime(2026, 12, 3, 9, 0), ends_at=datetime(2026, 12, 3, 17, 0),
                         timezone="Europe/Paris")
    assert event.starts_at.astimezone(timezone.utc) == datetime(2026, 12, 3, 8, 0, tzinfo=timezone.utc)
    assert event.timezone == "Europe/Paris"


async def test_another_zone_moves_the_same_wall_time(db, world, now):
    event = await _event(db, world, now, starts_at=datetime(2026, 7, 1, 9, 0), ends_at=datetime(2026, 7, 1, 17, 0),
                         timezone="America/Cayenne")
    assert event.starts_at.astimezone(timezone.utc) == datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)


async def test_an_explicit_offset_wins_over_the_zone(db, world, now):
    starts = datetime(2026, 12, 3, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    event = await _event(db, world, now, starts_at=starts, ends_at=starts + timedelta(hours=3), timezone="Europe/Paris")
    assert event.starts_at == starts


async def test_an_unknown_time_zone_is_invalid_input(db, world, now):
    with pytest.raises(ClaimError) as info:
        await _event(db, world, now, starts_at=now, ends_at=now + timedelta(hours=1), timezone="Mars/Olympus")
    assert info.value.code == errors.INVALID_INPUT and info.value.params["field"] == "timezone"


@pytest.mark.parametrize("year", [1, 1999, 9999])
async def test_a_date_in_an_absurd_year_is_invalid_input(db, world, now, year):
    with pytest.raises(ClaimError) as info:
        await _event(db, world, now, starts_at=datetime(year, 1, 1), ends_at=datetime(9999, 12, 31, 23, 0))
    assert info.value.code == errors.INVALID_INPUT and info.value.params["field"] in ("starts", "ends")


async def test_code_window_typed_without_offset_is_read_in_the_events_zone(db, world, now):
    async with db.sessionmaker.begin() as session:
        event = await session.get(Event, world.event.id)
        event.timezone = "Pacific/Noumea"
        badge = await session.get(type(world.badge), world.badge.id)
        [code] = await create_codes(session, event, badge, count=1, now=now,
                                    valid_from=datetime(2026, 6, 12, 8, 0), valid_until=datetime(2026, 6, 13, 8, 0))
    async with db.sessionmaker() as session:
        row = await session.scalar(select(ClaimCode).where(ClaimCode.code == code))
    assert row.valid_from == datetime(2026, 6, 11, 21, 0, tzinfo=timezone.utc)


async def test_default_window_runs_from_an_hour_before_to_a_day_after(world):
    start, end = claim_window(world.event, None, None)
    assert (start, end) == (world.event.starts_at - timedelta(hours=1), world.event.ends_at + timedelta(days=1))


async def test_an_empty_event_name_is_refused_as_required(db, world, now):
    with pytest.raises(ClaimError) as info:
        async with db.sessionmaker.begin() as session:
            await create_event(session, world.issuer, name="   ", now=now, starts_at=now, ends_at=now + timedelta(hours=1))
    assert info.value.params == {"field": "name", "reason": "required"}
