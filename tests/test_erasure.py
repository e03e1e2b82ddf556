"""Forgetting a person: their data leaves every award and delivery, their badges keep verifying unchanged."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from claims import errors
from claims.erasure import ERASED, forget_person
from claims.errors import ClaimError
from claims.models import AuditEntry, Award, Delivery, TelegramChat
from claims.openbadges.ob2 import hashed_identity
from claims.organising import create_badge_class
from claims.outbox import take_due
from claims.publishing import document_for_path
from claims.redemption import Recipient, redeem_code
from conftest import Database, World, issuing_context, png_bytes
from ob_support import Issuing
from web_support import make_codes

EMAIL = "camille@example.org"


async def claim(db: Database, world: World, now: datetime, *, deliveries=(), ob2_signed: bool = False,
                **who) -> uuid.UUID:  # type: ignore[no-untyped-def]
    [code] = await make_codes(db, world, now, count=1)
    async with db.sessionmaker.begin() as session:
        result = await redeem_code(session, code, Recipient(**who), now, channel="web",
                                   issuing=issuing_context(ob2_signed=ob2_signed), deliveries=deliveries)
        return result.award.id


async def forget(db: Database, now: datetime, **who) -> int:  # type: ignore[no-untyped-def]
    async with db.sessionmaker.begin() as session:
        return (await forget_person(session, now, actor="test", **who)).awards


async def load(db: Database, award_id: uuid.UUID) -> Award:
    async with db.sessionmaker() as session:
        award = await session.get(Award, award_id)
        assert award is not None
        return award


async def served(db: Database, path: str, now: datetime) -> bytes:
    async with db.sessionmaker() as session:
        return (await document_for_path(session, path, issuing=issuing_context(), now=now)).body


async def test_forgetting_by_email_clears_the_person_from_every_award(db, world, now):
    award_id = await claim(db, world, now, email=EMAIL, name="Camille", telegram_user_id=42)
    assert await forget(db, now, email="  Camille@Example.ORG ") == 1
    award = await load(db, award_id)
    assert (award.recipient_email, award.recipient_name, award.telegram_user_id) == (None, None, None)
    assert award.erased_at == now


async def test_forgetting_keeps_the_hash_of_the_published_identity(db, world, now):
    award_id = await claim(db, world, now, email=EMAIL)
    salt = (await load(db, award_id)).recipient_salt
    await forget(db, now, email=EMAIL)
    assert (await load(db, award_id)).recipient_email_hash == hashed_identity(EMAIL, salt)


@pytest.mark.parametrize("document", ["/ob2/assertions/{}", "/ob3/credentials/{}"])
async def test_published_document_is_the_same_after_erasure(db, world, now, document):
    award_id = await claim(db, world, now, email=EMAIL)
    path = document.format(award_id)
    before = await served(db, path, now)
    await forget(db, now, email=EMAIL)
    assert await served(db, path, now) == before


async def test_baked_image_is_the_same_after_erasure(db, world, now, issuing: Issuing):
    award_id = await claim(db, world, now, email=EMAIL)
    before = await issuing.png(award_id)
    await forget(db, now, email=EMAIL)
    assert await issuing.png(award_id) == before


async def test_badge_baked_before_erasure_still_verifies(db, world, now, issuing: Issuing):
    award_id = await claim(db, world, now, email=EMAIL)
    png = await issuing.png(award_id)
    await forget(db, now, email=EMAIL)
    report = await issuing.verify(png)
    assert report.ok, report.problems


async def test_signed_ob2_badge_still_verifies_after_erasure(db, world, now, issuing: Issuing):
    award_id = await claim(db, world, now, email=EMAIL, ob2_signed=True)
    png = await issuing.png(award_id)
    await forget(db, now, email=EMAIL)
    assert (await issuing.verify(png)).ok


async def test_forgetting_by_telegram_id_clears_its_awards_and_conversation(db, world, now):
    award_id = await claim(db, world, now, telegram_user_id=777, name="Alex")
    async with db.sessionmaker.begin() as session:
        session.add(TelegramChat(telegram_user_id=777, state="asking_email", data={"code": "x"}, updated_at=now))
    assert await forget(db, now, telegram_user_id=777) == 1
    award = await load(db, award_id)
    assert (award.telegram_user_id, award.recipient_name, award.recipient_email_hash) == (None, None, None)
    async with db.sessionmaker() as session:
        assert await session.get(TelegramChat, 777) is None


async def test_award_without_email_keeps_its_page_identity_after_erasure(db, world, now):
    award_id = await claim(db, world, now, telegram_user_id=777)
    path = f"/ob2/assertions/{award_id}"
    before = await served(db, path, now)
    await forget(db, now, telegram_user_id=777)
    assert await served(db, path, now) == before


async def test_forgetting_by_email_also_ends_the_telegram_conversation_of_those_awards(db, world, now):
    await claim(db, world, now, email=EMAIL, telegram_user_id=555)
    async with db.sessionmaker.begin() as session:
        session.add(TelegramChat(telegram_user_id=555, data={}, updated_at=now))
    await forget(db, now, email=EMAIL)
    async with db.sessionmaker() as session:
        assert await session.get(TelegramChat, 555) is None


async def test_an_award_with_both_identities_ties_the_persons_other_awards(db, world, now):
    telegram_only = await claim(db, world, now, telegram_user_id=555, name="Camille")
    async with db.sessionmaker.begin() as session:
        other = await create_badge_class(session, world.issuer, name="Animateur", description="d", criteria="c",
                                         image=png_bytes(), now=now)
    await claim(db, World(world.issuer, other, world.event), now, email=EMAIL, telegram_user_id=555)
    assert await forget(db, now, email=EMAIL) == 2
    award = await load(db, telegram_only)
    assert (award.telegram_user_id, award.recipient_name, award.erased_at) == (None, None, now)


async def test_pending_delivery_is_failed_and_no_worker_takes_it(db, world, now):
    await claim(db, world, now, email=EMAIL, deliveries=[("email", EMAIL), ("telegram", "555")],
                telegram_user_id=555)
    await forget(db, now, email=EMAIL)
    async with db.sessionmaker.begin() as session:
        assert await take_due(session, now + timedelta(hours=1), owner="w", limit=10, lease=timedelta(minutes=1)) == []
        rows = (await session.scalars(select(Delivery))).all()
    assert {(d.status, d.target, d.last_error) for d in rows} == {("failed", "", ERASED)}


async def test_sent_delivery_stays_sent_without_its_address(db, world, now):
    await claim(db, world, now, email=EMAIL, deliveries=[("email", EMAIL)])
    async with db.sessionmaker.begin() as session:
        delivery = (await session.scalars(select(Delivery))).one()
        delivery.status, delivery.sent_at = "sent", now
    await forget(db, now, email=EMAIL)
    async with db.sessionmaker() as session:
        delivery = (await session.scalars(select(Delivery))).one()
    assert (delivery.status, delivery.target) == ("sent", "")


async def test_other_people_are_left_alone(db, world, now):
    mine = await claim(db, world, now, email=EMAIL, deliveries=[("email", EMAIL)])
    theirs = await claim(db, world, now, email="dominique@example.org", name="Dominique",
                         deliveries=[("email", "dominique@example.org")])
    await forget(db, now, email=EMAIL)
    other = await load(db, theirs)
    assert (other.recipient_email, other.recipient_name) == ("dominique@example.org", "Dominique")
    assert other.erased_at is None
    assert (await load(db, mine)).erased_at == now
    async with db.sessionmaker() as session:
        their_delivery = await session.scalar(select(Delivery).where(Delivery.award_id == theirs))
    assert (their_delivery.status, their_delivery.target) == ("pending", "dominique@example.org")


async def test_forgetting_an_unknown_person_clears_nothing(db, world, now):
    assert await forget(db, now, email="nobody@example.org") == 0
    assert await forget(db, now, telegram_user_id=1) == 0


async def test_audit_entry_names_awards_but_not_the_email(db, world, now):
    award_id = await claim(db, world, now, email=EMAIL)
    await forget(db, now, email=EMAIL)
    async with db.sessionmaker() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "person.forgotten"))
    assert entry.actor == "test" and entry.details["awards"] == [str(award_id)]
    assert "camille" not in repr((entry.subject, entry.details)).lower()


@pytest.mark.parametrize("who", [{}, {"email": EMAIL, "telegram_user_id": 5}])
async def test_exactly_one_identity_must_be_given(db, world, now, who):
    with pytest.raises(ClaimError) as refused:
        await forget(db, now, **who)
    assert refused.value.code == errors.INVALID_INPUT


async def test_forgotten_person_claiming_again_gets_a_new_award(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=5)
    async with db.sessionmaker.begin() as session:
        first = await redeem_code(session, code, Recipient(email=EMAIL), now, channel="web", issuing=issuing_context())
    await forget(db, now, email=EMAIL)
    async with db.sessionmaker.begin() as session:
        again = await redeem_code(session, code, Recipient(email=EMAIL), now, channel="web", issuing=issuing_context())
    assert again.created and again.award.id != first.award.id
