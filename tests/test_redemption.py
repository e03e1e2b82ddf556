"""Redemption: one award per single-use code, max_claims held, repeat claims, refusals — under concurrency."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from claims import errors
from claims.errors import ClaimError
from claims.models import Award, ClaimCode, Event
from claims.organising import create_codes
from claims.redemption import Recipient, redeem_code
from conftest import issuing_context, Database, World


async def make_codes(db: Database, world: World, now: datetime, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    async with db.sessionmaker.begin() as session:
        event = await session.get(Event, world.event.id)
        badge = await session.get(type(world.badge), world.badge.id)
        return await create_codes(session, event, badge, now=now, **kwargs)


async def claim(db: Database, code: str, now: datetime, **who) -> tuple[str, bool] | str:  # type: ignore[no-untyped-def]
    """One claim in its own transaction, as a web request would do it; the error code on refusal."""
    try:
        async with db.sessionmaker.begin() as session:
            result = await redeem_code(session, code, Recipient(**who), now, channel="web", issuing=issuing_context())
            return str(result.award.id), result.created
    except ClaimError as exc:
        return exc.code


async def count_awards(db: Database) -> int:
    async with db.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(Award)) or 0


async def test_single_use_code_gives_one_award_under_200_concurrent_claims(db, world, now):
    [code] = await make_codes(db, world, now, count=1)
    results = await asyncio.gather(*(claim(db, code, now, email=f"p{i}@example.org") for i in range(200)))
    winners = [r for r in results if isinstance(r, tuple)]
    assert len(winners) == 1
    assert results.count(errors.CODE_USED) == 199
    assert await count_awards(db) == 1


async def test_multi_use_code_stops_at_max_claims_under_300_concurrent_claims(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=50)
    results = await asyncio.gather(*(claim(db, code, now, email=f"p{i}@example.org") for i in range(300)))
    assert sum(isinstance(r, tuple) for r in results) == 50
    assert results.count(errors.CODE_USED) == 250
    assert await count_awards(db) == 50
    async with db.sessionmaker() as session:
        assert await session.scalar(select(ClaimCode.claims_count)) == 50


async def test_same_person_claiming_twice_gets_the_same_award(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=10)
    first = await claim(db, code, now, email="Alice@Example.org ")
    second = await claim(db, code, now + timedelta(minutes=5), email="alice@example.org")
    assert isinstance(first, tuple) and first[1] is True
    assert second == (first[0], False)
    assert await count_awards(db) == 1


async def test_same_person_racing_themselves_gets_one_award(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=10)
    results = await asyncio.gather(*(claim(db, code, now, email="bob@example.org") for _ in range(30)))
    ids = {r[0] for r in results if isinstance(r, tuple)}
    assert len(ids) == 1 and len(results) == 30 and all(isinstance(r, tuple) for r in results)
    assert sum(r[1] for r in results if isinstance(r, tuple)) == 1
    assert await count_awards(db) == 1


async def test_same_telegram_user_with_another_card_gets_the_existing_award(db, world, now):
    first_code, second_code = await make_codes(db, world, now, count=2)
    first = await claim(db, first_code, now, telegram_user_id=4242)
    second = await claim(db, second_code, now, telegram_user_id=4242)
    assert isinstance(first, tuple) and second == (first[0], False)
    # The second card was not used up by the repeat claim.
    assert isinstance(await claim(db, second_code, now, email="carol@example.org"), tuple)


async def test_second_claim_of_single_use_code_by_someone_else_is_refused(db, world, now):
    [code] = await make_codes(db, world, now, count=1)
    assert isinstance(await claim(db, code, now, email="dan@example.org"), tuple)
    assert await claim(db, code, now, email="eve@example.org") == errors.CODE_USED


async def test_expired_code_is_refused_with_code_expired(db, world, now):
    [code] = await make_codes(db, world, now, count=1, valid_from=now - timedelta(days=2), valid_until=now - timedelta(days=1))
    assert await claim(db, code, now, email="a@example.org") == errors.CODE_EXPIRED


async def test_not_yet_valid_code_is_refused_with_code_not_yet_valid(db, world, now):
    [code] = await make_codes(db, world, now, count=1, valid_from=now + timedelta(hours=1))
    assert await claim(db, code, now, email="a@example.org") == errors.CODE_NOT_YET_VALID


async def test_inactive_code_is_refused_with_code_inactive(db, world, now):
    [code] = await make_codes(db, world, now, count=1)
    async with db.sessionmaker.begin() as session:
        row = await session.scalar(select(ClaimCode).where(ClaimCode.code == code))
        row.active = False
    assert await claim(db, code, now, email="a@example.org") == errors.CODE_INACTIVE


async def test_closed_event_refuses_claims_with_event_closed(db, world, now):
    [code] = await make_codes(db, world, now, count=1)
    async with db.sessionmaker.begin() as session:
        (await session.get(Event, world.event.id)).closed_at = now - timedelta(minutes=1)
    assert await claim(db, code, now, email="a@example.org") == errors.EVENT_CLOSED


async def test_code_with_a_typo_is_told_apart_from_an_unknown_code(db, world, now):
    [code] = await make_codes(db, world, now, count=1)
    wrong_char = "Z" if code[3] != "Z" else "Y"
    assert await claim(db, code[:3] + wrong_char + code[4:], now) == errors.CODE_TYPO
    # A well-formed code that was never issued.
    from claims.codes import generate_code

    assert await claim(db, generate_code(), now) == errors.UNKNOWN_CODE


async def test_claim_by_url_and_grouped_lower_case_text_both_work(db, world, now):
    from claims.codes import format_code

    first, second = await make_codes(db, world, now, count=2)
    assert isinstance(await claim(db, f"https://badges.example.org/c/{first}", now, email="f@example.org"), tuple)
    assert isinstance(await claim(db, format_code(second).lower(), now, email="g@example.org"), tuple)


async def test_bad_email_is_refused_with_invalid_input(db, world, now):
    [code] = await make_codes(db, world, now, count=1)
    with pytest.raises(ClaimError) as info:
        async with db.sessionmaker.begin() as session:
            await redeem_code(session, code, Recipient(email="not-an-address"), now, channel="web", issuing=issuing_context())
    assert info.value.code == errors.INVALID_INPUT and info.value.params["field"] == "email"
    assert await count_awards(db) == 0


async def test_deliveries_are_queued_with_a_new_award_and_not_again_for_a_repeat(db, world, now):
    from claims.models import Delivery

    [code] = await make_codes(db, world, now, max_claims=5)
    for _ in range(2):
        async with db.sessionmaker.begin() as session:
            await redeem_code(session, code, Recipient(email="h@example.org"), now, channel="web", issuing=issuing_context(),
                              deliveries=[("email", "h@example.org")], language="en")
    async with db.sessionmaker() as session:
        [delivery] = (await session.scalars(select(Delivery))).all()
    assert (delivery.channel, delivery.status, delivery.attempts, delivery.language) == ("email", "pending", 0, "en")
    assert delivery.next_attempt_at == now


async def test_a_failed_claim_transaction_leaves_neither_award_nor_used_slot(db, world, now):
    [code] = await make_codes(db, world, now, count=1)
    with pytest.raises(RuntimeError):
        async with db.sessionmaker.begin() as session:
            await redeem_code(session, code, Recipient(email="i@example.org"), now, channel="web", issuing=issuing_context())
            raise RuntimeError("the process died before the claim was acknowledged")
    assert await count_awards(db) == 0
    assert isinstance(await claim(db, code, now, email="j@example.org"), tuple)


async def claim_anonymously(db: Database, code: str, now: datetime, nonce: str | None, **options) -> tuple[str, bool] | str:  # type: ignore[no-untyped-def]
    try:
        async with db.sessionmaker.begin() as session:
            result = await redeem_code(session, code, Recipient(), now, channel="web", issuing=issuing_context(),
                                       nonce=nonce, **options)
            return str(result.award.id), result.created
    except ClaimError as exc:
        return exc.code


async def test_anonymous_retry_with_the_same_key_on_a_poster_returns_the_same_award(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=10)
    first = await claim_anonymously(db, code, now, "nonce-0001-abcdef")
    again = await claim_anonymously(db, code, now, "nonce-0001-abcdef")
    assert isinstance(first, tuple) and again == (first[0], False)
    assert await count_awards(db) == 1
    async with db.sessionmaker() as session:
        assert await session.scalar(select(ClaimCode.claims_count)) == 1


async def test_anonymous_retry_with_the_same_key_on_a_used_card_returns_the_award_not_code_used(db, world, now):
    [code] = await make_codes(db, world, now, count=1)
    first = await claim_anonymously(db, code, now, "kiosk-attendee-42")
    assert isinstance(first, tuple)
    assert await claim_anonymously(db, code, now, "kiosk-attendee-42") == (first[0], False)
    assert await claim_anonymously(db, code, now, "kiosk-attendee-43") == errors.CODE_USED


async def test_anonymous_double_tap_racing_itself_gives_one_award(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=10)
    results = await asyncio.gather(*(claim_anonymously(db, code, now, "double-tap-key-1") for _ in range(20)))
    assert {r[0] for r in results if isinstance(r, tuple)} and all(isinstance(r, tuple) for r in results)
    assert len({r[0] for r in results}) == 1 and sum(r[1] for r in results) == 1
    assert await count_awards(db) == 1


async def test_anonymous_claims_without_a_key_are_separate_awards(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=10)
    first, second = await claim_anonymously(db, code, now, None), await claim_anonymously(db, code, now, None)
    assert isinstance(first, tuple) and isinstance(second, tuple) and first[0] != second[0]


async def test_a_malformed_idempotency_key_is_invalid_input(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=10)
    assert await claim_anonymously(db, code, now, "short") == errors.INVALID_INPUT
    assert await claim_anonymously(db, code, now, "bad key with spaces") == errors.INVALID_INPUT
    assert await count_awards(db) == 0


async def test_rescanning_your_own_card_after_its_window_closed_returns_your_award(db, world, now):
    [code] = await make_codes(db, world, now, count=1, valid_until=now + timedelta(hours=1))
    first = await claim(db, code, now, email="fay@example.org")
    later = now + timedelta(days=3)
    assert await claim(db, code, later, email="fay@example.org") == (first[0], False)
    assert await claim(db, code, later, email="gus@example.org") == errors.CODE_EXPIRED


async def test_your_award_is_returned_after_the_event_closed_and_the_code_was_deactivated(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=5)
    first = await claim(db, code, now, telegram_user_id=777)
    async with db.sessionmaker.begin() as session:
        (await session.get(Event, world.event.id)).closed_at = now
        (await session.scalar(select(ClaimCode).where(ClaimCode.code == code))).active = False
    assert await claim(db, code, now + timedelta(hours=1), telegram_user_id=777) == (first[0], False)
    assert await claim(db, code, now + timedelta(hours=1), telegram_user_id=778) == errors.CODE_INACTIVE


async def test_display_only_code_typed_bare_is_refused(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=50, display_only=True)
    assert await claim(db, code, now, email="hal@example.org") == errors.DISPLAY_ONLY
    assert await count_awards(db) == 0


async def test_display_only_code_through_its_token_is_redeemed(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=50, display_only=True)
    result = await claim_anonymously(db, code, now, "display-visitor-1", through_display_token=True)
    assert isinstance(result, tuple) and result[1] is True


async def test_only_a_multi_use_code_can_be_display_only(db, world, now):
    with pytest.raises(ClaimError) as info:
        await make_codes(db, world, now, count=3, display_only=True)
    assert info.value.code == errors.INVALID_INPUT and info.value.params["field"] == "display_only"


async def test_redeem_code_requires_an_issuing_context(db, world, now):
    [code] = await make_codes(db, world, now, count=1)
    async with db.sessionmaker.begin() as session:
        with pytest.raises(TypeError):
            await redeem_code(session, code, Recipient(email="ivy@example.org"), now, channel="web")  # type: ignore[call-arg]


async def test_a_new_award_is_inserted_signed(db, world, now):
    [code] = await make_codes(db, world, now, count=1)
    award_id, _ = await claim(db, code, now, email="joe@example.org")
    async with db.sessionmaker() as session:
        award = await session.get(Award, uuid.UUID(award_id))
    assert award.ob3_credential and '"proof"' in award.ob3_credential and award.ob2_signed is None
