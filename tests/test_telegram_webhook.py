"""Webhook mode: the real Application behind the web app's POST /telegram/webhook, fed by the fake Bot API."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import AsyncIterator

from sqlalchemy import func, select

from badgeclaim.telegram import webhook_route
from bot import build_application
from bot.webhook import SECRET_HEADER, WebhookReceiver, webhook_secret
from claims.models import TelegramUpdate
from claims.telegram_updates import first_sight, forget_old_updates
from conftest import SECRET, issuing_context
from kiosk import create_app
from bot_support import bot_settings
from telegram_support import ALICE, bot_for
from web_support import CONFIG, Clock

SECRET_TOKEN = webhook_secret(SECRET)


@contextlib.asynccontextmanager
async def webhook_client(db, telegram_fake, aiohttp_client, clock) -> AsyncIterator[object]:  # type: ignore[no-untyped-def]
    """The web app with the bot's webhook route, the bot started without an updater, as serve runs them."""
    application = build_application(bot_settings(telegram_fake), db.sessionmaker, issuing_context(), clock=clock,
                                    updater=False)
    receiver = WebhookReceiver(application, db.sessionmaker, SECRET_TOKEN, clock)
    app = create_app(CONFIG, db.sessionmaker, issuing_context(), clock=clock, telegram_webhook=webhook_route(receiver))
    async with application:
        await application.start()
        try:
            yield await aiohttp_client(app)
        finally:
            await application.stop()


def help_update(update_id: int) -> dict[str, object]:
    return {"update_id": update_id, "message": {
        "message_id": 1, "date": 1_780_000_000, "from": ALICE.as_dict(), "chat": ALICE.chat(), "text": "/help",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
    }}


async def taken_updates(db) -> int:  # type: ignore[no-untyped-def]
    async with db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(TelegramUpdate)) or 0)


async def test_update_with_the_secret_is_answered_and_handled(db, telegram_fake, aiohttp_client, now):
    async with webhook_client(db, telegram_fake, aiohttp_client, Clock(now)) as client:
        answer = await client.post("/telegram/webhook", json=help_update(10), headers={SECRET_HEADER: SECRET_TOKEN})
        [reply] = await telegram_fake.wait_messages(ALICE.id, 1)
    assert answer.status == 200 and reply.text


async def test_wrong_secret_is_refused_and_nothing_is_handled(db, telegram_fake, aiohttp_client, now):
    async with webhook_client(db, telegram_fake, aiohttp_client, Clock(now)) as client:
        wrong = await client.post("/telegram/webhook", json=help_update(10), headers={SECRET_HEADER: "guess"})
        missing = await client.post("/telegram/webhook", json=help_update(11))
    assert (wrong.status, missing.status) == (403, 403)
    assert await taken_updates(db) == 0 and telegram_fake.messages(ALICE.id) == []


async def test_body_that_is_no_update_is_a_bad_request(db, telegram_fake, aiohttp_client, now):
    async with webhook_client(db, telegram_fake, aiohttp_client, Clock(now)) as client:
        answer = await client.post("/telegram/webhook", data=b"{not json", headers={SECRET_HEADER: SECRET_TOKEN})
        no_id = await client.post("/telegram/webhook", json={"message": {}}, headers={SECRET_HEADER: SECRET_TOKEN})
    assert (answer.status, no_id.status) == (400, 400)


async def test_update_sent_twice_is_handled_once(db, telegram_fake, aiohttp_client, now):
    async with webhook_client(db, telegram_fake, aiohttp_client, Clock(now)) as client:
        for _ in range(2):
            answer = await client.post("/telegram/webhook", json=help_update(42),
                                       headers={SECRET_HEADER: SECRET_TOKEN})
            assert answer.status == 200
        await telegram_fake.wait_messages(ALICE.id, 1)
        # A third, new update is handled after the duplicate: had the duplicate been queued, it came first.
        await client.post("/telegram/webhook", json=help_update(43), headers={SECRET_HEADER: SECRET_TOKEN})
        await telegram_fake.wait_messages(ALICE.id, 2)
    assert len(telegram_fake.messages(ALICE.id)) == 2 and await taken_updates(db) == 2


async def test_updates_from_the_bot_api_reach_the_bot_through_set_webhook(db, telegram_fake, aiohttp_client, now):
    async with webhook_client(db, telegram_fake, aiohttp_client, Clock(now)) as client:
        url = str(client.make_url("/telegram/webhook"))  # type: ignore[attr-defined]
        async with bot_for(telegram_fake) as bot:  # what serve does at start-up
            await bot.set_webhook(url, secret_token=SECRET_TOKEN)
        reply = await telegram_fake.next_reply(ALICE.id, lambda: telegram_fake.send_command(ALICE, "help"))
    assert reply.text and telegram_fake.webhook_responses[0][1] == 200


async def test_update_ids_older_than_a_day_are_forgotten(db, now):
    async with db.sessionmaker.begin() as session:
        assert await first_sight(session, 1, now - timedelta(days=2))
        assert await first_sight(session, 2, now)
        assert not await first_sight(session, 2, now)
        assert await forget_old_updates(session, now) == 1
    async with db.sessionmaker() as session:
        assert list(await session.scalars(select(TelegramUpdate.update_id))) == [2]
