"""`serve` with a Telegram token: bot, web and workers in one loop, polling or webhook, against the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from pathlib import Path
from typing import AsyncIterator

import aiohttp
import pytest

from badgeclaim.serve import TELEGRAM_UNAVAILABLE, Listening, ServeError, kiosk_app, serve
from badgeclaim.settings import Settings
from bot.webhook import SECRET_HEADER, webhook_secret
from conftest import PUBLIC_URL, SECRET, Database, make_world, open_database
from smtp_support import free_port
from telegram_fake import TelegramFake
from telegram_outbox_support import queue_telegram_deliveries
from telegram_support import ALICE
from test_telegram_webhook import help_update
from web_support import Clock


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    async with open_database("sqlite", tmp_path) as database:
        yield database


def settings_for(db: Database, tmp_path: Path, fake: TelegramFake, **changes: object) -> Settings:
    base = Settings(data_dir=tmp_path, database_url=db.url, public_url=PUBLIC_URL, secret_key=SECRET,
                    port=free_port(), telegram_token=fake.token, telegram_api_url=fake.api_url)
    return replace(base, **changes)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def serving(settings: Settings, clock: Clock) -> AsyncIterator[Listening]:
    stop = asyncio.Event()
    ready: list[Listening] = []
    server = asyncio.create_task(serve(settings, app_factory=kiosk_app, stop=stop, on_ready=ready.append,
                                       handle_signals=False, clock=clock))
    try:
        async with asyncio.timeout(20):
            while not ready:
                if server.done():
                    server.result()
                await asyncio.sleep(0.05)
        yield ready[0]
    finally:
        stop.set()
        await asyncio.wait_for(server, 20)


async def test_webhook_mode_sets_the_webhook_to_the_public_url_with_the_derived_secret(
        sqlite_db, tmp_path, telegram_fake, now):
    await make_world(sqlite_db, now)
    settings = settings_for(sqlite_db, tmp_path, telegram_fake, telegram_mode="webhook")
    async with serving(settings, Clock(now)) as listening:
        [call] = telegram_fake.calls_to("setWebhook")
        async with aiohttp.ClientSession() as client:
            async with client.post(f"{listening.url}/telegram/webhook", json=help_update(7),
                                   headers={SECRET_HEADER: webhook_secret(SECRET)}) as answer:
                assert answer.status == 200
        await telegram_fake.wait_messages(ALICE.id, 1)
    assert call.params["url"] == f"{PUBLIC_URL}/telegram/webhook"
    assert call.params["secret_token"] == webhook_secret(SECRET)
    assert listening.telegram == f"@{telegram_fake.bot_username} (webhook)" and "telegram" in listening.channels


async def test_polling_mode_answers_commands_and_sends_queued_badges(sqlite_db, tmp_path, telegram_fake, now):
    world = await make_world(sqlite_db, now)
    await queue_telegram_deliveries(sqlite_db, world, now, [ALICE.id])
    async with serving(settings_for(sqlite_db, tmp_path, telegram_fake), Clock(now)):
        await telegram_fake.wait_for(lambda: len(telegram_fake.sent_documents(ALICE.id)) == 1)
        reply = await telegram_fake.next_reply(ALICE.id, lambda: telegram_fake.send_command(ALICE, "help"))
    assert reply.text and telegram_fake.calls_to("setWebhook") == []
    assert telegram_fake.commands("fr") and telegram_fake.commands("en")


async def test_web_without_a_token_has_no_webhook_route(sqlite_db, tmp_path, telegram_fake, now):
    await make_world(sqlite_db, now)
    settings = settings_for(sqlite_db, tmp_path, telegram_fake, telegram_token="")
    async with serving(settings, Clock(now)) as listening:
        async with aiohttp.ClientSession() as client:
            async with client.post(f"{listening.url}/telegram/webhook", json=help_update(7)) as answer:
                assert answer.status == 404
    assert listening.telegram is None and telegram_fake.calls == []


async def test_refused_token_stops_serve_with_a_reason(sqlite_db, tmp_path, telegram_fake, now):
    await make_world(sqlite_db, now)
    settings = settings_for(sqlite_db, tmp_path, telegram_fake, telegram_token="999:not-the-token")
    with pytest.raises(ServeError) as refused:
        async with serving(settings, Clock(now)):
            pass
    assert refused.value.code == TELEGRAM_UNAVAILABLE and refused.value.params["url"] == telegram_fake.api_url
