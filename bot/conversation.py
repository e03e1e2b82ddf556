"""Where a person's conversation stands, read and written in each update's own transaction (TelegramChat)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, AsyncIterator

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.application import BotContext
from bot.texts import user_language
from claims.models import TelegramChat

# The states a conversation can be in between two updates (None: waiting for a code or a command).
AWAITING_EMAIL = "awaiting_email"  # data: code, through_token, token_until (ISO) when through a display token
CONFIRMING_FORGET = "confirming_forget"
CHOOSING_CODES = "choosing_codes"  # data: count, choices [[event_id, badge_id], …]


@dataclass
class Turn:
    """One update's view of the conversation, inside the transaction that will save it."""

    session: AsyncSession
    user_id: int
    chat_id: int
    now: datetime
    chat: TelegramChat
    language: str
    forgotten: bool = field(default=False)

    @property
    def state(self) -> str | None:
        return self.chat.state

    @property
    def data(self) -> dict[str, Any]:
        return dict(self.chat.data or {})

    def move_to(self, state: str | None, **data: Any) -> None:
        # A new dict, not an in-place edit: the JSON column only notices reassignment.
        self.chat.state = state
        self.chat.data = data

    def choose_language(self, language: str) -> None:
        self.chat.language = language
        self.language = language


@contextlib.asynccontextmanager
async def turn(context: BotContext, update: Update) -> AsyncIterator[Turn]:
    """The person's conversation row, locked for this update (PostgreSQL), saved when the block ends.

    Replies are sent after the block, once the transaction has committed: a reply never promises what a
    rollback then undid.
    """
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        raise ValueError("an update without a user or chat has no conversation")
    now = context.now()
    async with context.sessionmaker.begin() as session:
        row = await session.get(TelegramChat, user.id, with_for_update=True)
        stored = row is not None
        if row is None:
            row = TelegramChat(telegram_user_id=user.id, language=None, state=None, data={}, updated_at=now)
        current = Turn(session, user.id, chat.id, now, row, user_language(user, row.language))
        yield current
        if current.forgotten:
            return
        row.updated_at = now
        # A row is kept only while it holds something: someone who only asked for /help leaves none behind.
        holds_something = row.state is not None or row.language is not None
        if stored and not holds_something:
            await session.delete(row)
        elif not stored and holds_something:
            await _insert_or_replace(session, row)


async def _insert_or_replace(session: AsyncSession, row: TelegramChat) -> None:
    """Save a conversation seen for the first time; an upsert, as two first updates of one person may race."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    values = {"language": row.language, "state": row.state, "data": row.data, "updated_at": row.updated_at}
    await session.execute(
        insert(TelegramChat).values(telegram_user_id=row.telegram_user_id, **values)
        .on_conflict_do_update(index_elements=[TelegramChat.telegram_user_id], set_=values)
    )
