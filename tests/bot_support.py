"""The real bot (bot.build_application) polling the fake Bot API server, on the test database; a chat helper."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, AsyncIterator

import pytest
from PIL import Image

from badgeclaim.settings import Settings
from bot import BadgeBot, build_application
from claims.derived_keys import Purpose, derive_key
from claims.display_tokens import make_display_token
from conftest import PUBLIC_URL, SECRET, Database, World, issuing_context
from qr import qr_png
from telegram_fake import SentMessage, TelegramFake, TelegramUser
from web_support import Clock, make_codes


def bot_settings(fake: TelegramFake, **changes: Any) -> Settings:
    return replace(Settings(telegram_token=fake.token, telegram_api_url=fake.api_url, public_url=PUBLIC_URL,
                            secret_key=SECRET), **changes)


@contextlib.asynccontextmanager
async def running_bot(db: Database, fake: TelegramFake, clock: Clock, settings: Settings) -> AsyncIterator[BadgeBot]:
    """One bot process: initialised, polling the fake, stopped and shut down after."""
    application = build_application(settings, db.sessionmaker, issuing_context(), clock=clock)
    await application.initialize()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    await application.start()
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


def photo_of_qr(text: str, *, angle: float = 12, quality: int = 55) -> bytes:
    """A QR as a phone would send it: rotated, on a grey background, JPEG-compressed."""
    symbol = Image.open(io.BytesIO(qr_png(text, scale=6))).convert("L")
    rotated = symbol.rotate(angle, expand=True, fillcolor=200)
    canvas = Image.new("L", (rotated.width + 160, rotated.height + 120), 200)
    canvas.paste(rotated, (80, 60))
    out = io.BytesIO()
    canvas.convert("RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue()


def display_token(code: str, now: datetime) -> str:
    """What a display kiosk's rotating QR carries after PUBLIC_URL/c/."""
    return make_display_token(derive_key(SECRET, Purpose.DISPLAY_TOKEN), code, now)


@dataclass
class BotChat:
    """The test as the people talking to the running bot."""

    db: Database
    world: World
    fake: TelegramFake
    clock: Clock
    settings: Settings
    _running: contextlib.AbstractAsyncContextManager[BadgeBot] | None = None

    async def codes(self, **kwargs: Any) -> list[str]:
        return await make_codes(self.db, self.world, self.clock.now, **kwargs)

    async def say(self, user: TelegramUser, text: str) -> SentMessage:
        return await self.fake.next_reply(user.id, lambda: self.fake.send_text(user, text))

    async def command(self, user: TelegramUser, command: str, argument: str | None = None) -> SentMessage:
        return await self.fake.next_reply(user.id, lambda: self.fake.send_command(user, command, argument))

    async def photo(self, user: TelegramUser, image: bytes) -> SentMessage:
        return await self.fake.next_reply(user.id, lambda: self.fake.send_photo(user, image))

    async def press(self, user: TelegramUser, message: SentMessage, data: str) -> SentMessage:
        """Tap a button; the bot's next message (a button tap usually edits, then answers)."""
        return await self.fake.next_reply(user.id, lambda: self.fake.press_button(user, message, data))

    async def claim(self, user: TelegramUser, code: str, email: str | None = None) -> SentMessage:
        """``/start code`` then the e-mail (or Skip); the bot's answer to the last step."""
        asked = await self.command(user, "start", code)
        if email is None:
            return await self.press(user, asked, "email:skip")
        return await self.say(user, email)

    async def start(self) -> BadgeBot:
        """A new bot process (a new Application: nothing of the previous one's memory)."""
        assert self._running is None, "one bot at a time polls the fake"
        self._running = running_bot(self.db, self.fake, self.clock, self.settings)
        return await self._running.__aenter__()

    async def stop(self) -> None:
        running, self._running = self._running, None
        if running is not None:
            await running.__aexit__(None, None, None)


@pytest.fixture
async def bot_chat(db: Database, world: World, telegram_fake: TelegramFake, now: datetime) -> AsyncIterator[BotChat]:
    """The running bot on both backends, with the world's badge and event."""
    chat = BotChat(db, world, telegram_fake, Clock(now), bot_settings(telegram_fake))
    await chat.start()
    try:
        yield chat
    finally:
        await chat.stop()
