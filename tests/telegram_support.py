"""The fake Telegram Bot API server as a pytest fixture, and a python-telegram-bot Bot pointed at it."""

from __future__ import annotations

from typing import AsyncIterator

import pytest
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from telegram_fake import TelegramFake, TelegramUser

ALICE = TelegramUser(1001, "Alice", "fr")
BOB = TelegramUser(1002, "Bob", "en")


@pytest.fixture
async def telegram_fake() -> AsyncIterator[TelegramFake]:
    """A started fake Bot API server on 127.0.0.1 (random port), closed after the test."""
    fake = TelegramFake()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


def bot_for(fake: TelegramFake, *, read_timeout: float = 5.0, rate_limiter: AIORateLimiter | None = None,
            connection_pool_size: int = 64) -> ExtBot[None]:
    """A real PTB bot talking HTTP to ``fake`` (call ``await bot.initialize()`` / ``shutdown()``, or ``async with``)."""
    return ExtBot(
        fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url, rate_limiter=rate_limiter,
        request=HTTPXRequest(connection_pool_size=connection_pool_size, read_timeout=read_timeout),
    )
