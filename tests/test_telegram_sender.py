"""The Telegram sender through the real outbox worker and a real PTB bot against the fake Bot API server."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.sender import delivery_bot
from claims.models import Award
from claims.openbadges.baking import unbake
from claims.outbox import FAILED, PENDING, SENT
from conftest import PUBLIC_URL
from outbox_support import delivery
from smtp_support import run_outbox_until
from telegram_fake import TelegramFake
from telegram_outbox_support import none_pending, queue_telegram_deliveries, statuses, telegram_sender

CHAT = 4242


async def test_badge_arrives_as_a_png_document_that_unbakes_to_the_award(db, world, now, telegram_fake):
    [queued] = await queue_telegram_deliveries(db, world, now, [CHAT])
    async with delivery_bot(telegram_fake.token, telegram_fake.api_url) as bot:
        await run_outbox_until(db, {"telegram": telegram_sender(db, bot)}, lambda: now, none_pending(db))
    [document] = telegram_fake.sent_documents(CHAT)
    async with db.sessionmaker() as session:
        award = await session.scalar(select(Award).where(Award.telegram_user_id == CHAT))
    baked = unbake(document.data)
    assert document.filename == "badge-explorateur-numerique.png" and document.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads(baked.ob3 or "{}")["id"] == f"{PUBLIC_URL}/ob3/credentials/{award.id}"
    assert str(award.id) in (baked.ob2 or "")
    assert (await delivery(db, queued)).status == SENT


async def test_caption_links_the_verify_page_in_the_claims_language(db, world, now, telegram_fake):
    await queue_telegram_deliveries(db, world, now, [CHAT], language="en")
    async with delivery_bot(telegram_fake.token, telegram_fake.api_url) as bot:
        await run_outbox_until(db, {"telegram": telegram_sender(db, bot)}, lambda: now, none_pending(db))
    [document] = telegram_fake.sent_documents(CHAT)
    async with db.sessionmaker() as session:
        award_id = await session.scalar(select(Award.id))
    assert document.parse_mode == "HTML" and f'<a href="{PUBLIC_URL}/awards/{award_id}">' in document.caption
    assert "Explorateur numérique" in document.caption and "backpack" in document.caption


async def test_caption_is_french_by_default(db, world, now, telegram_fake):
    await queue_telegram_deliveries(db, world, now, [CHAT])
    async with delivery_bot(telegram_fake.token, telegram_fake.api_url) as bot:
        await run_outbox_until(db, {"telegram": telegram_sender(db, bot)}, lambda: now, none_pending(db))
    [document] = telegram_fake.sent_documents(CHAT)
    assert "Vérifier" in document.caption and "sac à badges" in document.caption


async def test_blocked_user_is_failed_and_the_others_get_their_badge(db, world, now, telegram_fake: TelegramFake):
    chats = [CHAT, CHAT + 1, CHAT + 2]
    await queue_telegram_deliveries(db, world, now, chats)
    telegram_fake.block(CHAT + 1)
    async with delivery_bot(telegram_fake.token, telegram_fake.api_url) as bot:
        await run_outbox_until(db, {"telegram": telegram_sender(db, bot)}, lambda: now, none_pending(db))
    assert await statuses(db) == {str(CHAT): SENT, str(CHAT + 1): FAILED, str(CHAT + 2): SENT}
    assert [len(telegram_fake.sent_documents(c)) for c in chats] == [1, 0, 1]


async def test_chat_not_found_is_failed_without_retrying(db, world, now, telegram_fake: TelegramFake):
    [queued] = await queue_telegram_deliveries(db, world, now, [CHAT])
    telegram_fake.forget_chat(CHAT)
    async with delivery_bot(telegram_fake.token, telegram_fake.api_url) as bot:
        await run_outbox_until(db, {"telegram": telegram_sender(db, bot)}, lambda: now, none_pending(db))
    row = await delivery(db, queued)
    assert (row.status, row.attempts) == (FAILED, 1) and "chat not found" in (row.last_error or "").lower()


async def test_revoked_award_is_not_sent(db, world, now, telegram_fake: TelegramFake):
    [queued] = await queue_telegram_deliveries(db, world, now, [CHAT])
    async with db.sessionmaker.begin() as session:
        award = await session.scalar(select(Award))
        award.revoked_at = now
    async with delivery_bot(telegram_fake.token, telegram_fake.api_url) as bot:
        await run_outbox_until(db, {"telegram": telegram_sender(db, bot)}, lambda: now, none_pending(db))
    assert (await delivery(db, queued)).status == FAILED and telegram_fake.sent_documents(CHAT) == []


async def test_unreachable_bot_api_leaves_the_delivery_pending_for_later(db, world, now, telegram_fake):
    [queued] = await queue_telegram_deliveries(db, world, now, [CHAT])
    async with delivery_bot(telegram_fake.token, telegram_fake.api_url) as bot:
        await telegram_fake.close()  # the Bot API goes away after the bot started
        sender = telegram_sender(db, bot)
        await run_outbox_until(db, {"telegram": sender}, lambda: now,
                               lambda: _attempted(db, queued))
    row = await delivery(db, queued)
    assert row.status == PENDING and row.next_attempt_at > now and "NetworkError" in (row.last_error or "")


async def _attempted(db, delivery_id: int) -> bool:  # type: ignore[no-untyped-def]
    row = await delivery(db, delivery_id)
    return row.attempts >= 1 and row.lease_owner is None
