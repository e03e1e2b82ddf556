"""The console's award services: search by name with pages, a failed delivery sent again, events listed and closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from claims import errors
from claims.award_admin import event_award, resend_failed_deliveries, search_awards
from claims.errors import ClaimError
from claims.events import close_event, list_events
from claims.models import AuditEntry, Award, Delivery, Event
from claims.organising import create_event, create_issuer
from claims.redemption import Recipient, redeem_code
from conftest import issuing_context
from web_support import make_codes


async def _claim(db, world, now, name=None, email=None, deliveries=()):  # type: ignore[no-untyped-def]
    [code] = await make_codes(db, world, now, count=1)
    async with db.sessionmaker.begin() as session:
        redemption = await redeem_code(session, code, Recipient(email=email, name=name), now, channel="web",
                                       issuing=issuing_context(), deliveries=deliveries)
        return redemption.award.id


async def test_search_finds_names_holding_the_words_in_any_case(db, world, now):
    for name in ("Camille Martin", "Jean Dupont", "camille roux"):
        await _claim(db, world, now, name=name)
    async with db.sessionmaker() as session:
        found = await search_awards(session, world.event.id, query="CAMILLE")
    assert sorted(line.recipient_name for line in found.lines) == ["Camille Martin", "camille roux"]


async def test_a_percent_sign_in_the_search_is_a_letter_not_a_wildcard(db, world, now):
    await _claim(db, world, now, name="Jean Dupont")
    async with db.sessionmaker() as session:
        found = await search_awards(session, world.event.id, query="%")
    assert found.total == 0


async def test_awards_come_in_pages(db, world, now):
    for index in range(5):
        await _claim(db, world, now + timedelta(minutes=index), name=f"Personne {index}")
    async with db.sessionmaker() as session:
        second = await search_awards(session, world.event.id, page=2, per_page=2)
        beyond = await search_awards(session, world.event.id, page=99, per_page=2)
    assert (second.total, second.pages, [line.recipient_name for line in second.lines]) == (
        5, 3, ["Personne 2", "Personne 1"])
    assert beyond.page == 3


async def test_a_failed_delivery_is_due_again_after_resend(db, world, now):
    award_id = await _claim(db, world, now, email="camille@example.org", deliveries=[("email", "camille@example.org")])
    async with db.sessionmaker.begin() as session:
        await session.execute(update(Delivery).values(status="failed", attempts=10, last_error="refused"))
    async with db.sessionmaker.begin() as session:
        award = await session.get(Award, award_id)
        count = await resend_failed_deliveries(session, award, now, actor="account:x", issuer_id=world.issuer.id)
    async with db.sessionmaker() as session:
        delivery = await session.scalar(select(Delivery))
        audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "delivery.resent"))
    assert count == 1
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("pending", 0, now)
    assert audit.issuer_id == world.issuer.id and "camille" not in str(audit.details)


async def test_an_erased_persons_delivery_is_not_sent_again(db, world, now):
    award_id = await _claim(db, world, now, email="camille@example.org", deliveries=[("email", "camille@example.org")])
    async with db.sessionmaker.begin() as session:
        await session.execute(update(Delivery).values(status="failed", target="", last_error="erased"))
    async with db.sessionmaker.begin() as session:
        award = await session.get(Award, award_id)
        assert await resend_failed_deliveries(session, award, now, actor="a", issuer_id=world.issuer.id) == 0


async def test_an_award_of_another_event_is_not_found(db, world, now):
    award_id = await _claim(db, world, now)
    async with db.sessionmaker.begin() as session:
        other = await create_event(session, world.issuer, name="Autre", starts_at=now, ends_at=now + timedelta(hours=1),
                                   now=now)
    async with db.sessionmaker() as session:
        with pytest.raises(ClaimError) as info:
            await event_award(session, other, str(award_id))
    assert info.value.code == errors.NOT_FOUND


async def test_another_issuers_events_are_not_listed(db, world, now):
    async with db.sessionmaker.begin() as session:
        stranger = await create_issuer(session, name="Autre", url="https://autre.example.org",
                                       email="a@autre.example.org", now=now)
    async with db.sessionmaker() as session:
        assert await list_events(session, stranger.id) == []
        assert [event.id for event in await list_events(session, world.issuer.id)] == [world.event.id]


async def test_a_closed_event_keeps_its_first_closing_date(db, world, now):
    async with db.sessionmaker.begin() as session:
        event = await session.get(Event, world.event.id)
        assert close_event(session, event, now, actor="a") is True
        assert close_event(session, event, now + timedelta(hours=1), actor="a") is False
    async with db.sessionmaker() as session:
        assert (await session.get(Event, world.event.id)).closed_at == now
