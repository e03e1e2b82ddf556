"""The python-telegram-bot Application: Bot API root, typed context, rate limiter, handlers, error handler, menus.

How the bot flows: a claim code arrives (``/start <code>`` deep link, typed text, or the photo of a QR);
the bot shows the badge and asks for an e-mail (skippable), then issues the award; the baked badge itself
goes out through the delivery outbox (bot.sender), so a crash after the claim still delivers it. Where a
conversation stands lives in the TelegramChat table (bot.conversation), never in this process, so any
process may take a person's next update.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import BotCommand, Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, CallbackContext, ContextTypes, ExtBot

from bot.config import BotSettings
from bot.texts import COMMANDS, say, user_language
from claims.context import IssuingContext
from claims.derived_keys import Purpose, derive_key
from claims.i18n import LANGUAGES, N_

log = logging.getLogger(__name__)

# Updates of different people are handled at once; one person's are ordered by their row lock (conversation).
CONCURRENT_UPDATES = 64


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class BotServices:
    """What every handler needs, built once by ``build_application``."""

    settings: BotSettings
    sessionmaker: async_sessionmaker[AsyncSession]
    issuing: IssuingContext
    clock: Callable[[], datetime]
    display_token_key: bytes  # opens the kiosk's rotating QR codes, as the web page does
    rate_limit_key: bytes  # Telegram ids are counted for the wrong-code limit only as a keyed hash


class BadgeBot(Application[ExtBot[None], "BotContext", dict[Any, Any], dict[Any, Any], dict[Any, Any], None]):
    """The Application with its services as a typed attribute (instead of ``bot_data["x"]``)."""

    def __init__(self, *, services: BotServices, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services

    async def initialize(self) -> None:
        # Here and not in post_init, which only run_polling/run_webhook call: `serve` and the tests start the
        # bot inside their own event loop, and the menus must be there however it was started.
        was_initialized = self._initialized
        await super().initialize()
        if not was_initialized:
            await register_command_menus(self)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context every handler gets: the services typed, no ``bot_data`` look-ups."""

    @property
    def services(self) -> BotServices:
        application = self.application
        assert isinstance(application, BadgeBot)
        return application.services

    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        return self.services.sessionmaker

    @property
    def issuing(self) -> IssuingContext:
        return self.services.issuing

    @property
    def settings(self) -> BotSettings:
        return self.services.settings

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.services.clock

    def now(self) -> datetime:
        return self.services.clock()


def build_application(
    settings: BotSettings,
    sessionmaker: async_sessionmaker[AsyncSession],
    issuing: IssuingContext,
    *,
    clock: Callable[[], datetime] = utcnow,
    updater: bool = True,
) -> BadgeBot:
    """The bot, talking to ``settings.telegram_api_url`` (the real Bot API, a self-hosted one, or a test fake).

    ``updater=False`` for webhook mode, where the web app hands each update to ``process_update``.
    """
    root = settings.telegram_api_url.rstrip("/")
    services = BotServices(
        settings=settings, sessionmaker=sessionmaker, issuing=issuing, clock=clock,
        display_token_key=derive_key(settings.secret_key, Purpose.DISPLAY_TOKEN),
        rate_limit_key=derive_key(settings.secret_key, Purpose.RATE_LIMIT),
    )
    builder = (
        ApplicationBuilder()
        .application_class(BadgeBot, kwargs={"services": services})
        .token(settings.telegram_token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .context_types(ContextTypes(context=BotContext))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(CONCURRENT_UPDATES)
    )
    if not updater:
        builder = builder.updater(None)
    application = builder.build()
    assert isinstance(application, BadgeBot)
    from bot.handlers import register_handlers  # the handlers import this module's context type

    register_handlers(application)
    application.add_error_handler(report_error)
    return application


async def register_command_menus(application: BadgeBot) -> None:
    """The "/" menu in each language (and the default, for languages we do not speak)."""
    default = application.services.settings.language
    for language in (*LANGUAGES, None):
        commands = [BotCommand(name, say(language or default, description)) for name, description in COMMANDS]
        await application.bot.set_my_commands(commands, language_code=language)


async def report_error(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Log what went wrong; tell the person one short line in their language, never a traceback."""
    log.error("error while handling a Telegram update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    language = user_language(update.effective_user, None)
    try:
        await context.bot.send_message(
            update.effective_chat.id, say(language, N_("Sorry, something went wrong on our side. Please try again "
                                                         "in a moment."))
        )
    except Exception:  # the Bot API itself may be what failed; the log already has the first error
        log.warning("could not tell the person about the error", exc_info=True)
