"""An event's statistics: totals per badge, channel and hour, revocations and deliveries, as of a moment."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text, update

from claims import errors
from claims.awards import revoke_award
from claims.errors import ClaimError
from claims.models import Delivery
from claims.organising import create_badge_class, create_event
from claims.redemption import Recipient, redeem_code
from claims.statistics import event_statistics
from conftest import Database, World, issuing_context, png_bytes
from web_support import make_codes

HOUR = timedelta(hours=1)


async def claim(db: Database, code: str, at: datetime, channel: str = "web",
                deliveries=()) -> uuid.UUID:  # type: ignore[no-untyped-def]
    async with db.sessionmaker.begin() as session:
        result = await redeem_code(session, code, Recipient(), at, channel=channel, issuing=issuing_context(),
                                   nonce=uuid.uuid4().hex, deliveries=deliveries)
        return result.award.id


async def stats(db: Database, event_id: uuid.UUID, now: datetime):  # type: ignore[no-untyped-def]
    async with db.sessionmaker() as session:
        return await event_statistics(session, event_id, now)


async def test_event_without_awards_has_zeros_everywhere(db, world, now):
    await make_codes(db, world, now, count=2)
    got = await stats(db, world.event.id, now)
    assert (got.total, got.revoked, got.deliveries_pending, got.deliveries_failed, got.per_hour) == (0, 0, 0, 0, [])
    assert got.per_channel == {"web": 0, "telegram": 0, "kiosk": 0, "cli": 0}
    assert got.per_badge == [(world.badge.id, world.badge.name, 0)]


async def test_awards_are_counted_per_channel(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=10)
    for channel in ("web", "web", "kiosk", "telegram"):
        await claim(db, code, now, channel)
    got = await stats(db, world.event.id, now)
    assert got.total == 4
    assert got.per_channel == {"web": 2, "telegram": 1, "kiosk": 1, "cli": 0}


async def test_awards_are_counted_per_badge_most_given_first(db, world, now):
    async with db.sessionmaker.begin() as session:
        other = await create_badge_class(session, world.issuer, name="Animateur", description="d", criteria="c",
                                         image=png_bytes(), now=now)
    [first] = await make_codes(db, world, now, max_claims=10)
    [second] = await make_codes(db, World(world.issuer, other, world.event), now, max_claims=10)
    await claim(db, first, now)
    for _ in range(3):
        await claim(db, second, now)
    got = await stats(db, world.event.id, now)
    assert got.per_badge == [(other.id, "Animateur", 3), (world.badge.id, world.badge.name, 1)]


async def test_claims_over_time_are_per_utc_hour_with_quiet_hours_as_zero(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=10)
    start = now.replace(minute=0)
    for at in (start + timedelta(minutes=5), start + timedelta(minutes=59), start + 3 * HOUR + timedelta(minutes=1)):
        await claim(db, code, at)
    got = await stats(db, world.event.id, now + 4 * HOUR)
    assert got.per_hour == [(start, 2), (start + HOUR, 0), (start + 2 * HOUR, 0), (start + 3 * HOUR, 1)]
    assert all(hour.tzinfo is not None and hour.utcoffset() == timedelta(0) for hour, _ in got.per_hour)


async def test_hours_are_utc_whatever_the_database_sessions_zone(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=10)
    await claim(db, code, now + timedelta(minutes=10))
    async with db.sessionmaker() as session:
        if db.backend == "postgres":
            # A half-hour zone: cutting hours in it would give :30 starts.
            await session.execute(text("SET TIME ZONE 'Asia/Kolkata'"))
        got = await event_statistics(session, world.event.id, now + HOUR)
    assert got.per_hour == [(now.replace(minute=0), 1)]


async def test_revoked_awards_are_counted_apart_and_in_the_total(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=10)
    award_id = await claim(db, code, now)
    await claim(db, code, now)
    async with db.sessionmaker.begin() as session:
        await revoke_award(session, award_id, "erreur", now + HOUR)
    assert (await stats(db, world.event.id, now + 2 * HOUR)).revoked == 1
    got = await stats(db, world.event.id, now + timedelta(minutes=30))  # before the revocation
    assert (got.total, got.revoked) == (2, 0)


async def test_awards_after_now_are_not_counted(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=10)
    await claim(db, code, now)
    await claim(db, code, now + 2 * HOUR)
    assert (await stats(db, world.event.id, now + HOUR)).total == 1


async def test_pending_and_failed_deliveries_are_counted_sent_ones_not(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=10)
    for index in range(4):
        await claim(db, code, now, deliveries=[("email", f"p{index}@example.org")])
    async with db.sessionmaker.begin() as session:
        await session.execute(update(Delivery).where(Delivery.target == "p0@example.org").values(status="sent"))
        await session.execute(update(Delivery).where(Delivery.target == "p1@example.org").values(status="failed"))
    got = await stats(db, world.event.id, now)
    assert (got.deliveries_pending, got.deliveries_failed) == (2, 1)


async def test_another_events_awards_are_not_counted(db, world, now):
    async with db.sessionmaker.begin() as session:
        other = await create_event(session, world.issuer, name="Ailleurs", starts_at=now - HOUR,
                                   ends_at=now + HOUR, now=now)
    [code] = await make_codes(db, World(world.issuer, world.badge, other), now, max_claims=10)
    await claim(db, code, now, deliveries=[("email", "x@example.org")])
    got = await stats(db, world.event.id, now)
    assert (got.total, got.per_badge, got.deliveries_pending) == (0, [], 0)


async def test_unknown_event_is_not_found(db, world, now):
    with pytest.raises(ClaimError) as refused:
        await stats(db, uuid.uuid4(), now)
    assert refused.value.code == errors.NOT_FOUND

