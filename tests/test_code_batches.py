"""Code batches: the codes of one ``create_codes`` share a batch, are listed counted, and deactivated together."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from claims import errors
from claims.errors import ClaimError
from claims.models import AuditEntry, ClaimCode
from claims.organising import create_event, deactivate_batch, list_batches
from claims.redemption import Recipient, redeem_code
from conftest import Database, World, issuing_context
from web_support import make_codes


async def batches(db: Database, world: World):  # type: ignore[no-untyped-def]
    async with db.sessionmaker() as session:
        return await list_batches(session, world.event.id)


async def deactivate(db: Database, world: World, batch_id: uuid.UUID, now) -> int:  # type: ignore[no-untyped-def]
    async with db.sessionmaker.begin() as session:
        return await deactivate_batch(session, world.event.id, batch_id, now, "console:org@example.org")


async def claim(db: Database, code: str, now) -> str:  # type: ignore[no-untyped-def]
    try:
        async with db.sessionmaker.begin() as session:
            await redeem_code(session, code, Recipient(), now, channel="web", issuing=issuing_context(),
                              nonce=uuid.uuid4().hex)
            return "ok"
    except ClaimError as exc:
        return exc.code


async def test_codes_made_together_share_one_new_batch(db, world, now):
    first = await make_codes(db, world, now, count=3)
    second = await make_codes(db, world, now, count=2)
    async with db.sessionmaker() as session:
        ids = dict((await session.execute(select(ClaimCode.code, ClaimCode.batch_id))).all())
    assert {ids[c] for c in first} == {first.batch_id} and {ids[c] for c in second} == {second.batch_id}
    assert first.batch_id != second.batch_id


async def test_create_codes_still_returns_the_list_of_codes(db, world, now):
    made = await make_codes(db, world, now, count=2)
    assert isinstance(made, list) and len(made) == 2 and all(isinstance(c, str) for c in made)


async def test_batches_are_listed_newest_first_with_their_counts(db, world, now):
    cards = await make_codes(db, world, now, count=3)
    poster = await make_codes(db, world, now + timedelta(minutes=1), max_claims=50, display_only=True)
    await claim(db, cards[0], now)
    for _ in range(4):
        await claim(db, poster[0], now)  # display-only: refused when typed bare, so nothing counted
    listed = await batches(db, world)
    assert [(b.batch_id, b.count, b.multi_use, b.display_only, b.max_claims) for b in listed] == [
        (poster.batch_id, 1, True, True, 50), (cards.batch_id, 3, False, False, 3)]
    assert (listed[1].badge_name, listed[1].active, listed[1].claims, listed[1].created_at) == (
        world.badge.name, 3, 1, now)


async def test_deactivating_a_batch_stops_its_codes_and_no_other(db, world, now):
    cards = await make_codes(db, world, now, count=3)
    others = await make_codes(db, world, now, count=1)
    assert await deactivate(db, world, cards.batch_id, now) == 3
    assert await claim(db, cards[1], now) == errors.CODE_INACTIVE
    assert await claim(db, others[0], now) == "ok"
    listed = {b.batch_id: b.active for b in await batches(db, world)}
    assert listed == {cards.batch_id: 0, others.batch_id: 1}


async def test_deactivating_again_counts_nothing_more(db, world, now):
    cards = await make_codes(db, world, now, count=2)
    await deactivate(db, world, cards.batch_id, now)
    assert await deactivate(db, world, cards.batch_id, now) == 0


async def test_awards_of_a_deactivated_batch_stay_valid_and_repeatable(db, world, now):
    made = await make_codes(db, world, now, count=1)
    code = made[0]
    async with db.sessionmaker.begin() as session:
        first = await redeem_code(session, code, Recipient(email="a@example.org"), now, channel="web",
                                  issuing=issuing_context())
    await deactivate(db, world, made.batch_id, now)
    async with db.sessionmaker.begin() as session:
        again = await redeem_code(session, code, Recipient(email="a@example.org"), now, channel="web",
                                  issuing=issuing_context())
    assert again.award.id == first.award.id and again.award.revoked_at is None


async def test_batch_of_another_event_is_not_found(db, world, now):
    async with db.sessionmaker.begin() as session:
        other = await create_event(session, world.issuer, name="Ailleurs", starts_at=now,
                                   ends_at=now + timedelta(hours=1), now=now)
    theirs = await make_codes(db, World(world.issuer, world.badge, other), now, count=1)
    with pytest.raises(ClaimError) as refused:
        await deactivate(db, world, theirs.batch_id, now)
    assert refused.value.code == errors.NOT_FOUND
    assert await claim(db, theirs[0], now) == "ok"


async def test_deactivation_is_audited_under_the_issuer(db, world, now):
    cards = await make_codes(db, world, now, count=2)
    await deactivate(db, world, cards.batch_id, now)
    async with db.sessionmaker() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "codes.batch_deactivated"))
    assert (entry.actor, entry.subject, entry.issuer_id, entry.details["count"]) == (
        "console:org@example.org", str(cards.batch_id), world.issuer.id, 2)


async def test_codes_older_than_batches_are_listed_per_badge_and_moment(db, world, now):
    await make_codes(db, world, now, count=2)
    await make_codes(db, world, now + timedelta(minutes=5), count=3)
    async with db.sessionmaker.begin() as session:
        await session.execute(update(ClaimCode).values(batch_id=None))  # as codes made before migration 0004
    assert [(b.batch_id, b.count) for b in await batches(db, world)] == [(None, 3), (None, 2)]


async def test_making_a_batch_is_audited_with_its_id_and_maker(db, world, now):
    cards = await make_codes(db, world, now, count=2, actor="telegram:1001")
    async with db.sessionmaker() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "codes.created"))
    assert (entry.actor, entry.issuer_id, entry.details["batch"]) == ("telegram:1001", world.issuer.id,
                                                                      str(cards.batch_id))
