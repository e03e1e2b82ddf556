"""Kiosk tokens in the core: made for one event, stored hashed, opened, listed, revoked, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from claims import errors
from claims.errors import ClaimError
from claims.kiosks import create_kiosk, hash_token, kiosk_url, list_kiosks, open_kiosk, revoke_kiosk, token_of
from claims.models import AuditEntry, Kiosk
from conftest import PUBLIC_URL
from web_support import make_codes


async def _create(db, world, now, **kwargs):
    async with db.sessionmaker.begin() as session:
        kiosk, token = await create_kiosk(session, world.event.id, now, actor="test",
                                          **{"display_code": None, **kwargs})
    return kiosk, token


async def test_a_kiosk_token_carries_at_least_128_random_bits_and_only_its_hash_is_stored(db, world, now):
    kiosk, token = await _create(db, world, now)
    assert len(token) >= 22  # 22 base64url characters are 132 bits
    async with db.sessionmaker() as session:
        stored = await session.scalar(select(Kiosk.token_hash).where(Kiosk.id == kiosk.id))
    assert stored == hash_token(token) and token not in stored


async def test_two_kiosks_get_different_tokens(db, world, now):
    (_, first), (_, second) = await _create(db, world, now), await _create(db, world, now)
    assert first != second


async def test_an_open_kiosk_opens_with_its_token(db, world, now):
    kiosk, token = await _create(db, world, now)
    async with db.sessionmaker() as session:
        assert (await open_kiosk(session, token, now)).id == kiosk.id


@pytest.mark.parametrize("token", ["", "x", "not a token at all", "A" * 32, "../../etc/passwd"])
async def test_an_unknown_token_is_kiosk_closed(db, world, now, token):
    async with db.sessionmaker() as session:
        with pytest.raises(ClaimError) as refused:
            await open_kiosk(session, token, now)
    assert refused.value.code == errors.KIOSK_CLOSED and refused.value.params == {}


async def test_a_revoked_kiosk_is_kiosk_closed_like_an_unknown_one(db, world, now):
    _, token = await _create(db, world, now)
    async with db.sessionmaker.begin() as session:
        await revoke_kiosk(session, token, now, "test")
    async with db.sessionmaker() as session:
        with pytest.raises(ClaimError) as refused:
            await open_kiosk(session, token, now + timedelta(seconds=1))
    assert refused.value.code == errors.KIOSK_CLOSED and refused.value.params == {}


async def test_revoke_takes_the_whole_kiosk_url(db, world, now):
    _, token = await _create(db, world, now)
    async with db.sessionmaker.begin() as session:
        kiosk = await revoke_kiosk(session, kiosk_url(PUBLIC_URL, token) + "/", now, "test")
    assert kiosk.revoked_at == now


async def test_revoking_twice_keeps_the_first_time(db, world, now):
    _, token = await _create(db, world, now)
    for moment in (now, now + timedelta(hours=1)):
        async with db.sessionmaker.begin() as session:
            kiosk = await revoke_kiosk(session, token, moment, "test")
    assert kiosk.revoked_at == now


async def test_revoking_an_unknown_kiosk_is_not_found(db, world, now):
    async with db.sessionmaker.begin() as session:
        with pytest.raises(ClaimError) as refused:
            await revoke_kiosk(session, "no-such-kiosk-token-here-at-all", now, "test")
    assert refused.value.code == errors.NOT_FOUND and refused.value.params == {"what": "kiosk"}


async def test_creating_and_revoking_are_audited_without_the_token(db, world, now):
    kiosk, token = await _create(db, world, now)
    async with db.sessionmaker.begin() as session:
        await revoke_kiosk(session, token, now, "organiser:x")
    async with db.sessionmaker() as session:
        entries = (await session.scalars(select(AuditEntry).where(AuditEntry.subject == str(kiosk.id))
                                         .order_by(AuditEntry.id))).all()
    assert [(e.action, e.actor) for e in entries] == [("kiosk.created", "test"), ("kiosk.revoked", "organiser:x")]
    assert all(token not in str(e.details) for e in entries)


async def test_a_display_kiosk_shows_a_display_only_multi_use_code_of_its_event(db, world, now):
    [code] = await make_codes(db, world, now, max_claims=50, display_only=True)
    kiosk, _ = await _create(db, world, now, display_code=code.lower())
    assert kiosk.display_code_id is not None


@pytest.mark.parametrize("kind", ["single_use", "multi_use_not_display_only", "nonsense"])
async def test_a_display_kiosk_refuses_any_other_code(db, world, now, kind):
    if kind == "single_use":
        [code] = await make_codes(db, world, now, count=1)
    elif kind == "multi_use_not_display_only":
        [code] = await make_codes(db, world, now, max_claims=50)
    else:
        code = "not-a-code"
    with pytest.raises(ClaimError) as refused:
        await _create(db, world, now, display_code=code)
    assert refused.value.code == errors.INVALID_INPUT and refused.value.params == {"field": "display"}


async def test_a_kiosk_of_an_unknown_event_is_not_found(db, world, now):
    async with db.sessionmaker.begin() as session:
        with pytest.raises(ClaimError) as refused:
            await create_kiosk(session, "00000000-0000-0000-0000-000000000000", now, display_code=None, actor="t")
    assert refused.value.code == errors.NOT_FOUND


async def test_list_kiosks_gives_the_events_kiosks_oldest_first(db, world, now):
    first, _ = await _create(db, world, now, label="Entrée")
    second, _ = await _create(db, world, now + timedelta(minutes=1))
    async with db.sessionmaker() as session:
        assert [k.id for k in await list_kiosks(session, world.event.id)] == [first.id, second.id]


def test_kiosk_url_and_token_of_are_inverse():
    assert kiosk_url(PUBLIC_URL + "/", "abc_DEF-123") == f"{PUBLIC_URL}/kiosk/abc_DEF-123"
    assert token_of(f"{PUBLIC_URL}/kiosk/abc_DEF-123/status") == "abc_DEF-123"
    assert token_of(" abc_DEF-123 ") == "abc_DEF-123"
    assert token_of(f"{PUBLIC_URL}/c/XYZ") == ""
