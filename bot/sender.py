"""The outbox's Telegram sender: the baked badge as a document (a photo would be recompressed and lose its data).

Exactly once, and where it cannot be: the outbox lease gives each delivery to one worker at a time and
``mark_sent`` follows the Bot API's answer at once. What no client of the Bot API can rule out is a crash (or
a lost answer: a read timeout) after Telegram accepted the document and before ``mark_sent``: the Bot API has
no idempotency key and no way to read a chat back, so the delivery is retried once its lease runs out and the
person gets the same badge twice. We choose that (at-least-once on that one window) over marking it sent
before sending, which would lose the badge whenever the crash came first. Each delivery is ONE call
(sendDocument, the how-to in its caption), so no half-sent delivery is ever resent whole and a badge costs
one message of the bot's ~30/s.
"""

from __future__ import annotations

import html
import logging
import warnings
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from claims.award_facts import AwardFacts, facts_to_deliver, image_filename
from claims.context import IssuingContext
from claims.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, gettext
from claims.outbox import DeliveryJob, PermanentFailure, TemporaryFailure

log = logging.getLogger(__name__)

CHANNEL = "telegram"
# Telegram allows a bot about 30 messages a second; the conversation's replies (their own limiter in the
# Application) keep the rest, so the two together stay under it.
DELIVERY_RATE = 25.0
# Sends run side by side so the rate limiter, not the round trips, sets the pace.
DELIVERY_CONCURRENCY = 32
# Well inside the outbox lease (5 min): a send still waiting when its lease ran out could go out twice.
REQUEST_TIMEOUT = 20.0
# Bot API answers meaning this chat can never be written to: no retry helps.
_GONE_CHAT = ("chat not found", "user not found", "peer_id_invalid", "user is deactivated")

CAPTION = N_("🏅 <b>{badge}</b> — {event}, awarded by {issuer}.\n"
             "Check it: <a href=\"{verify_url}\">{verify_url}</a>\n\n"
             "To keep it, save this PNG file (not a screenshot: the badge data is inside the file), then add it "
             "to your backpack or digital wallet (“Import” or “Upload badge”).")


def delivery_bot(token: str, api_url: str, *, messages_per_second: float = DELIVERY_RATE,
                 concurrency: int = DELIVERY_CONCURRENCY, timeout: float = REQUEST_TIMEOUT) -> ExtBot[None]:
    """The bot the sender posts with, on ``api_url`` (the Bot API root); call ``initialize()`` before use.

    Its AIORateLimiter never retries by itself: a 429 goes back to the outbox, which waits ``retry_after``
    for that delivery alone, where the limiter's retry would pause every send of the process.
    """
    root = api_url.rstrip("/")
    _quiet_passed_on_429s()
    return ExtBot(
        token, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot",
        rate_limiter=AIORateLimiter(overall_max_rate=messages_per_second, overall_time_period=1, max_retries=0),
        request=HTTPXRequest(connection_pool_size=concurrency + 4, read_timeout=timeout, write_timeout=timeout,
                             connect_timeout=timeout, pool_timeout=timeout, media_write_timeout=timeout),
    )


def _quiet_passed_on_429s() -> None:
    """AIORateLimiter logs each 429 it passes on (max_retries=0) with a traceback; the outbox logs the retry."""
    limiter_log = logging.getLogger("telegram.ext.AIORateLimiter")
    if _drop_passed_on_429s not in limiter_log.filters:
        limiter_log.addFilter(_drop_passed_on_429s)


def _drop_passed_on_429s(record: logging.LogRecord) -> bool:
    return not (str(record.msg).startswith("Rate limit hit after maximum of") and record.args == (0,))


def caption(facts: AwardFacts, language: str) -> str:
    """The document's caption (HTML): the badge, the event, the verify link and how to keep it."""
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    return gettext(language, CAPTION).format(
        badge=html.escape(facts.badge), event=html.escape(facts.event), issuer=html.escape(facts.issuer),
        verify_url=html.escape(facts.verify_url, quote=True),
    )


def retry_delay(error: RetryAfter) -> timedelta:
    """How long Telegram asked us to wait (PTB 22 gives seconds or a timedelta depending on PTB_TIMEDELTA)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


class TelegramSender:
    """Sends one delivery (target = the chat id): reads the award in its own short transaction, then one call."""

    def __init__(self, bot: Bot, sessionmaker: async_sessionmaker[AsyncSession], issuing: IssuingContext) -> None:
        self._bot = bot
        self._sessions = sessionmaker
        self._issuing = issuing

    async def send(self, delivery: DeliveryJob) -> None:
        try:
            chat_id = int(delivery.target)
        except ValueError:
            raise PermanentFailure(f"not a Telegram chat id: {delivery.target!r}") from None
        facts = await facts_to_deliver(self._sessions, delivery, self._issuing)
        try:
            await self._bot.send_document(
                chat_id, facts.image, filename=f"badge-{image_filename(facts.badge, facts.image_mime)}",
                caption=caption(facts, delivery.language), parse_mode="HTML",
                disable_content_type_detection=True,  # a PNG must stay a file, never become a photo
            )
        except RetryAfter as exc:
            raise TemporaryFailure(f"429: {exc.message}", retry_after=retry_delay(exc)) from None
        except Forbidden as exc:  # blocked by the user, deactivated, never started the bot
            raise PermanentFailure(f"403: {exc.message}") from None
        except BadRequest as exc:
            if any(words in exc.message.lower() for words in _GONE_CHAT):
                raise PermanentFailure(f"400: {exc.message}") from None
            # Anything else our request got wrong is retried with back-off, then failed by the outbox.
            raise TemporaryFailure(f"400: {exc.message}") from None
        except TelegramError as exc:  # TimedOut, NetworkError (5xx included), InvalidToken while it gets fixed
            raise TemporaryFailure(f"{exc.__class__.__name__}: {exc.message}") from None
        log.info("delivery %s: badge sent to Telegram chat %s", delivery.id, chat_id)
