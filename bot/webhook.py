"""Webhook mode: an update POSTed by Telegram is checked, taken once (database), answered at once, handled after.

Framework-free on purpose (``bot`` never imports the web layer): the composition root wraps
``WebhookReceiver.receive`` in the web app's route for ``POST /telegram/webhook``.
"""

from __future__ import annotations

import base64
import hmac
import logging
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import Application

from claims.derived_keys import Purpose, derive_key
from claims.telegram_updates import first_sight, forget_old_updates

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram/webhook"
# Pruning the taken ids costs a DELETE; once in a while per process is enough to keep the table a day long.
PRUNE_EVERY = timedelta(minutes=10)

ACCEPTED, BAD_REQUEST, FORBIDDEN, UNAVAILABLE = 200, 400, 403, 503


def webhook_secret(secret_key: str) -> str:
    """The token given to setWebhook and checked on every update: derived, so every process agrees on it.

    43 characters of the URL-safe alphabet, which is what Telegram allows (1-256 of A-Z a-z 0-9 _ -).
    """
    return base64.urlsafe_b64encode(derive_key(secret_key, Purpose.TELEGRAM_WEBHOOK)).decode().rstrip("=")


class WebhookReceiver:
    """Takes each update once across processes and queues it to the running Application."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any],
                 sessionmaker: async_sessionmaker[AsyncSession], secret_token: str,
                 clock: Callable[[], datetime]) -> None:
        self._application = application
        self._sessions = sessionmaker
        self._secret = secret_token.encode()
        self._clock = clock
        self._next_prune: datetime | None = None

    async def receive(self, secret_header: str | None, payload: object) -> int:
        """The HTTP status to answer: 200 once the update is queued (or was taken before), else why not."""
        # Constant time: the header is the only thing proving the request comes from Telegram.
        if not hmac.compare_digest((secret_header or "").encode(), self._secret):
            return FORBIDDEN
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            return BAD_REQUEST
        try:
            update = Update.de_json(payload, self._application.bot)
        except Exception:  # a shape PTB cannot read: answering 200 would lose nothing worth retrying
            log.warning("webhook: unreadable update %s", payload.get("update_id"), exc_info=True)
            return BAD_REQUEST
        now = self._clock()
        try:
            async with self._sessions.begin() as session:
                new = await first_sight(session, update.update_id, now)
                if self._next_prune is None or now >= self._next_prune:
                    await forget_old_updates(session, now)
                    self._next_prune = now + PRUNE_EVERY
        except Exception:
            # Not 200: Telegram sends the update again later, when the database may answer.
            log.exception("webhook: cannot record update %s", update.update_id)
            return UNAVAILABLE
        if new:
            # Handled by the Application's own update fetcher (its concurrency, its error handler), after we
            # answered: Telegram waits for no handler. Application.stop() handles what is still queued.
            await self._application.update_queue.put(update)
        else:
            log.info("webhook: update %s was taken before; not handled again", update.update_id)
        return ACCEPTED
