"""The Telegram bot inside ``serve``: the Application (polling or webhook), its web route, and the delivery sender.

Only the composition root sees both ``bot`` and the web app: the route wraps ``bot.webhook.WebhookReceiver``
and is handed to ``kiosk.create_app``, which never imports the bot.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ExtBot

from badgeclaim.settings import Settings
from bot import BadgeBot, build_application
from bot.sender import TelegramSender, delivery_bot
from bot.webhook import SECRET_HEADER, WEBHOOK_PATH, WebhookReceiver, webhook_secret
from claims.context import IssuingContext

log = logging.getLogger(__name__)

WebhookRoute = Callable[[web.Request], Any]


def webhook_route(receiver: WebhookReceiver) -> WebhookRoute:
    """The aiohttp handler of ``POST /telegram/webhook``: an empty answer whose status says it all."""

    async def telegram_webhook(request: web.Request) -> web.Response:
        try:
            payload = await request.json()
        except ValueError:
            return web.Response(status=400)
        return web.Response(status=await receiver.receive(request.headers.get(SECRET_HEADER), payload))

    return telegram_webhook


class BotUnavailable(Exception):
    """The Bot API refused or could not be reached at start-up (wrong token, no network): ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TelegramBot:
    """The bot of one ``serve`` process: built before the web app (which needs its route), started after it."""

    def __init__(self, settings: Settings, sessions: async_sessionmaker[AsyncSession], issuing: IssuingContext,
                 clock: Callable[[], datetime]) -> None:
        self.settings = settings
        self.webhook_mode = settings.telegram_mode == "webhook"
        self.application: BadgeBot = build_application(settings, sessions, issuing, clock=clock,
                                                       updater=not self.webhook_mode)
        self.route: WebhookRoute | None = None
        if self.webhook_mode:
            receiver = WebhookReceiver(self.application, sessions, webhook_secret(settings.secret_key), clock)
            self.route = webhook_route(receiver)
        # Deliveries post with a bot of their own: its limiter hands a 429 back to the outbox for that delivery
        # alone instead of pausing the conversation's replies.
        self._delivery_bot: ExtBot[None] = delivery_bot(settings.telegram_token, settings.telegram_api_url)
        self.sender = TelegramSender(self._delivery_bot, sessions, issuing)
        self._started: list[str] = []

    @property
    def username(self) -> str:
        return self.application.bot.username

    async def start(self) -> None:
        """getMe, command menus, then polling or setWebhook; BotUnavailable when the Bot API says no."""
        try:
            await self.application.initialize()
            self._started.append("initialized")
            if self.application.post_init is not None:  # run_polling() would call it; we run inside serve's loop
                await self.application.post_init(self.application)
            await self._delivery_bot.initialize()
            self._started.append("delivery")
            if self.webhook_mode:
                await self.application.bot.set_webhook(
                    f"{self.settings.public_url}{WEBHOOK_PATH}", secret_token=webhook_secret(self.settings.secret_key),
                    allowed_updates=Update.ALL_TYPES,
                )
            await self.application.start()
            self._started.append("started")
            if not self.webhook_mode:
                assert self.application.updater is not None
                await self.application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
                self._started.append("polling")
        except TelegramError as exc:
            await self.stop()
            raise BotUnavailable(exc.message) from None

    async def stop(self) -> None:
        """Stop polling, handle what is queued, close both bots (the webhook stays: other processes use it)."""
        steps = self._started
        self._started = []
        try:
            if "polling" in steps and self.application.updater is not None:
                await self.application.updater.stop()
            if "started" in steps:
                await self.application.stop()
        finally:
            if "delivery" in steps:
                await self._delivery_bot.shutdown()
            if "initialized" in steps:
                await self.application.shutdown()
