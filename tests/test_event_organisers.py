"""Telegram organisers of an event: adding, removing, listing, and the one-time link that makes one."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from claims import errors
from claims.errors import ClaimError
from claims.event_organisers import (
    add_organiser,
    create_organiser_link,
    events_organised_by,
    list_organisers,
    redeem_organiser_link,
    remove_organiser,
)
from claims.messages import message
from claims.models import AuditEntry, Event, OneTimeToken
from claims.organising import create_event
from conftest import Database, World


async def link(db: Database, world: World, now, **kwargs) -> str:  # type: ignore[no-untyped-def]
    async with db.sessionmaker.begin() as session:
        return await create_organiser_link(session, world.event.id, now, **kwargs)


async def redeem(db: Database, token: str, user: int, now) -> Event | str:  # type: ignore[no-untyped-def]
    try:
        async with db.sessionmaker.begin() as session:
            return await redeem_organiser_link(session, token, user, now)
    except ClaimError as exc:
        return exc.code


async def organisers(db: Database, world: World) -> list[int]:
    async with db.sessionmaker() as session:
        return [o.telegram_user_id for o in await list_organisers(session, world.event.id)]


async def test_adding_an_organiser_lists_them(db, world, now):
    async with db.sessionmaker.begin() as session:
        assert await add_organiser(session, world.event.id, 1001, now) is True
        assert await add_organiser(session, world.event.id, 1002, now + timedelta(minutes=1)) is True
    assert await organisers(db, world) == [1001, 1002]


async def test_adding_the_same_organiser_again_says_so(db, world, now):
    async with db.sessionmaker.begin() as session:
        await add_organiser(session, world.event.id, 1001, now)
    async with db.sessionmaker.begin() as session:
        assert await add_organiser(session, world.event.id, 1001, now) is False
    assert await organisers(db, world) == [1001]


async def test_adding_to_an_unknown_event_is_not_found(db, world, now):
    with pytest.raises(ClaimError) as refused:
        async with db.sessionmaker.begin() as session:
            await add_organiser(session, uuid.uuid4(), 1001, now)
    assert refused.value.code == errors.NOT_FOUND


async def test_removing_an_organiser_takes_them_off_the_list(db, world, now):
    async with db.sessionmaker.begin() as session:
        await add_organiser(session, world.event.id, 1001, now)
    async with db.sessionmaker.begin() as session:
        assert await remove_organiser(session, world.event.id, 1001, now) is True
        assert await remove_organiser(session, world.event.id, 1001, now) is False
    assert await organisers(db, world) == []


async def test_events_organised_by_lists_the_latest_first_and_only_theirs(db, world, now):
    async with db.sessionmaker.begin() as session:
        later = await create_event(session, world.issuer, name="Demain", starts_at=now + timedelta(days=1),
                                   ends_at=now + timedelta(days=1, hours=4), now=now)
        await create_event(session, world.issuer, name="Autre", starts_at=now, ends_at=now + timedelta(hours=1),
                           now=now)
        await add_organiser(session, world.event.id, 1001, now)
        await add_organiser(session, later.id, 1001, now)
        await add_organiser(session, later.id, 2002, now)
    async with db.sessionmaker() as session:
        assert [e.name for e in await events_organised_by(session, 1001)] == ["Demain", world.event.name]
        assert await events_organised_by(session, 3003) == []


async def test_organiser_link_fits_a_telegram_deep_link(db, world, now):
    token = await link(db, world, now)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", "org_" + token)
    assert len(token) >= 22  # at least 128 bits in base64url


async def test_only_the_hash_of_the_link_is_stored(db, world, now):
    token = await link(db, world, now)
    async with db.sessionmaker() as session:
        stored = (await session.scalars(select(OneTimeToken))).one()
    assert stored.purpose == "telegram_organiser" and token not in stored.token_hash
    assert stored.expires_at == now + timedelta(days=2)


async def test_redeeming_the_link_makes_an_organiser_of_its_event(db, world, now):
    token = await link(db, world, now)
    event = await redeem(db, token, 4242, now + timedelta(hours=1))
    assert isinstance(event, Event) and event.id == world.event.id
    assert await organisers(db, world) == [4242]


async def test_link_works_only_once(db, world, now):
    token = await link(db, world, now)
    assert isinstance(await redeem(db, token, 4242, now), Event)
    assert await redeem(db, token, 5353, now) == errors.ORGANISER_LINK_INVALID
    assert await organisers(db, world) == [4242]


async def test_expired_link_is_refused(db, world, now):
    token = await link(db, world, now, ttl=timedelta(hours=1))
    assert await redeem(db, token, 4242, now + timedelta(hours=1)) == errors.ORGANISER_LINK_INVALID
    assert await organisers(db, world) == []


@pytest.mark.parametrize("token", ["", "x" * 32, "not a token at all", "A" * 200])
async def test_unknown_link_is_refused(db, world, now, token):
    await link(db, world, now)
    assert await redeem(db, token, 4242, now) == errors.ORGANISER_LINK_INVALID


async def test_two_people_racing_for_one_link_make_one_organiser(db, world, now):
    token = await link(db, world, now)
    results = await asyncio.gather(*(redeem(db, token, 7000 + i, now) for i in range(10)))
    assert sum(isinstance(r, Event) for r in results) == 1
    assert len(await organisers(db, world)) == 1


async def test_redeeming_the_link_when_already_organiser_still_answers_the_event(db, world, now):
    async with db.sessionmaker.begin() as session:
        await add_organiser(session, world.event.id, 4242, now)
    assert isinstance(await redeem(db, await link(db, world, now), 4242, now), Event)


async def test_changes_are_audited_under_the_events_issuer(db, world, now):
    async with db.sessionmaker.begin() as session:
        await add_organiser(session, world.event.id, 1001, now, actor="console:someone")
        await remove_organiser(session, world.event.id, 1001, now)
    async with db.sessionmaker() as session:
        entries = (await session.scalars(select(AuditEntry).where(AuditEntry.action.like("event.organiser%"))
                                         .order_by(AuditEntry.id))).all()
    assert [(e.action, e.actor, e.issuer_id) for e in entries] == [
        ("event.organiser_added", "console:someone", world.issuer.id),
        ("event.organiser_removed", "organiser", world.issuer.id),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_invalid_link_has_a_message_in_each_language(language):
    text = message(errors.ORGANISER_LINK_INVALID, language)
    assert text != errors.ORGANISER_LINK_INVALID and text.endswith(".")
