"""Wrong codes are limited per client address, counted in the database so every process enforces one limit."""

from __future__ import annotations

from sqlalchemy import select

from claims import errors
from claims.codes import format_code, generate_code
from claims.models import RateEvent
from claims.rate_limits import RateRule, check_rate, count_event
from kiosk.claiming import WRONG_CODE
from web_support import build_app

import pytest
from claims.errors import ClaimError


async def send_wrong_codes(client, how_many: int) -> list[int]:
    statuses = []
    for _ in range(how_many):
        response = await client.post("/api/v1/claims", json={"code": format_code(generate_code())})
        statuses.append(response.status)
    return statuses


async def test_the_limit_holds_across_two_app_instances_on_one_database(db, world, clock, aiohttp_client):
    first = await aiohttp_client(build_app(db, clock))
    second = await aiohttp_client(build_app(db, clock))
    half = WRONG_CODE.limit // 2
    assert await send_wrong_codes(first, half) == [404] * half
    assert await send_wrong_codes(second, WRONG_CODE.limit - half) == [404] * (WRONG_CODE.limit - half)
    refused = await first.post("/api/v1/claims", json={"code": format_code(generate_code())})
    assert refused.status == 429
    body = await refused.json()
    assert body["error"]["code"] == errors.RATE_LIMITED
    assert 0 < int(refused.headers["Retry-After"]) <= WRONG_CODE.window.total_seconds()


async def test_a_limited_client_is_refused_even_with_a_good_code(site):
    [code] = await site.codes(count=1)
    await send_wrong_codes(site.client, WRONG_CODE.limit)
    response = await site.api_claim(code)
    assert response.status == 429


async def test_the_limit_lifts_when_the_window_has_passed(site):
    [code] = await site.codes(count=1)
    await send_wrong_codes(site.client, WRONG_CODE.limit)
    site.clock.advance(seconds=WRONG_CODE.window.total_seconds() + 1)
    assert (await site.api_claim(code)).status == 201


async def test_retry_after_counts_down_from_the_oldest_wrong_code(site):
    await send_wrong_codes(site.client, WRONG_CODE.limit)
    site.clock.advance(minutes=4)
    response = await site.client.post("/api/v1/claims", json={"code": "x" * 30})
    assert int(response.headers["Retry-After"]) == WRONG_CODE.window.total_seconds() - 4 * 60


async def test_good_claims_are_not_counted(site):
    [code] = await site.codes(max_claims=100)
    for i in range(WRONG_CODE.limit + 5):
        assert (await site.api_claim(code, key=f"person-{i:04d}")).status == 201


async def test_the_phone_page_counts_wrong_codes_too(site):
    for _ in range(WRONG_CODE.limit):
        assert (await site.client.get(f"/c/{format_code(generate_code())}")).status == 404
    response = await site.client.get(f"/c/{format_code(generate_code())}")
    assert response.status == 429
    assert "Retry-After" in response.headers


async def test_the_table_holds_a_keyed_hash_never_the_address(site):
    await send_wrong_codes(site.client, 1)
    async with site.db.sessionmaker() as session:
        keys = (await session.scalars(select(RateEvent.key))).all()
    assert len(keys) == 1 and "127.0.0.1" not in keys[0] and len(keys[0]) == 64


async def test_old_events_are_forgotten_when_a_new_one_is_counted(db, now):
    rule = RateRule("test", limit=2, window=WRONG_CODE.window)
    async with db.sessionmaker.begin() as session:
        await count_event(session, rule, "k", now)
    async with db.sessionmaker.begin() as session:
        await count_event(session, rule, "k", now + rule.window)
    async with db.sessionmaker() as session:
        assert len((await session.scalars(select(RateEvent))).all()) == 1


async def test_check_rate_refuses_at_the_limit_with_retry_after(db, now):
    rule = RateRule("test", limit=2, window=WRONG_CODE.window)
    async with db.sessionmaker.begin() as session:
        await count_event(session, rule, "k", now)
        await count_event(session, rule, "k", now)
    async with db.sessionmaker() as session:
        with pytest.raises(ClaimError) as refused:
            await check_rate(session, rule, "k", now)
        await check_rate(session, rule, "another key", now)
    assert refused.value.params["retry_after"] == rule.window.total_seconds()
