"""Builders for the Telegram delivery tests: claims queueing Telegram deliveries, and how they all ended."""

from __future__ import annotations

from datetime import datetime
from typing import Awaitable, Callable, Sequence

from sqlalchemy import func, select

from bot.sender import CHANNEL, TelegramSender
from claims.models import BadgeClass, Delivery, Event
from claims.organising import create_codes
from claims.outbox import PENDING
from claims.redemption import Recipient, redeem_code
from conftest import Database, World, issuing_context
from telegram_fake import TelegramFake


async def queue_telegram_deliveries(db: Database, world: World, now: datetime, chat_ids: Sequence[int], *,
                                    language: str = "fr") -> list[int]:
    """One claim per Telegram account, each queueing the delivery of its badge to that chat; the delivery ids."""
    issuing = issuing_context()
    async with db.sessionmaker.begin() as session:
        event = await session.get(Event, world.event.id)
        badge = await session.get(BadgeClass, world.badge.id)
        codes = await create_codes(session, event, badge, count=len(chat_ids), now=now)
    for code, chat_id in zip(codes, chat_ids):
        async with db.sessionmaker.begin() as session:
            await redeem_code(session, code, Recipient(telegram_user_id=chat_id), now, channel="telegram",
                              issuing=issuing, deliveries=[(CHANNEL, str(chat_id))], language=language)
    async with db.sessionmaker() as session:
        return list((await session.scalars(select(Delivery.id).order_by(Delivery.id))).all())


def telegram_sender(db: Database, bot: object) -> TelegramSender:
    return TelegramSender(bot, db.sessionmaker, issuing_context())  # type: ignore[arg-type]


def none_pending(db: Database) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        async with db.sessionmaker() as session:
            return not await session.scalar(select(func.count()).where(Delivery.status == PENDING))
    return check


async def statuses(db: Database) -> dict[str, str]:
    """Each delivery's target (the chat id) -> its status."""
    async with db.sessionmaker() as session:
        return {target: status for target, status in await session.execute(select(Delivery.target, Delivery.status))}


def documents_per_chat(fake: TelegramFake, chat_ids: Sequence[int]) -> dict[int, int]:
    return {chat_id: len(fake.sent_documents(chat_id)) for chat_id in chat_ids}
