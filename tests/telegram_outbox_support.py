"""Builders for the Telegram delivery tests: claims queueing Telegram deliveries, and how they all ended."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Awaitable, Callable, Sequence

from sqlalchemy import func, select

from bot.sender import CHANNEL, TelegramSender, delivery_bot
from claims.models import BadgeClass, Delivery, Event
from claims.organising import create_codes
from claims.outbox import PENDING, RetryPolicy, run_worker
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


# Quick back-off, so a test sees several rounds of retries in a few seconds.
QUICK_RETRIES = RetryPolicy(base=timedelta(milliseconds=100), cap=timedelta(milliseconds=500), max_attempts=100)


def wall_clock() -> datetime:
    """Real time: a 429's retry_after and the back-off are waited out for real (the awards stay at NOW)."""
    return datetime.now(timezone.utc)


async def deliver_all(db: Database, fake: TelegramFake, *, workers: int = 1, concurrency: int = 8,
                      clock: Callable[[], datetime] = wall_clock, read_timeout: float = 5.0,
                      timeout: float = 30.0) -> None:
    """Run ``workers`` outbox workers (each its own bot, as in separate processes) until nothing is pending."""
    stop = asyncio.Event()
    bots = [delivery_bot(fake.token, fake.api_url, timeout=read_timeout) for _ in range(workers)]
    for bot in bots:
        await bot.initialize()
    tasks = [asyncio.create_task(run_worker(db.sessionmaker, {CHANNEL: telegram_sender(db, bot)}, clock,
                                            owner=f"worker-{n}", stop=stop, batch=16, poll_interval=0.05,
                                            policy=QUICK_RETRIES, concurrency=concurrency))
             for n, bot in enumerate(bots)]
    done = none_pending(db)
    try:
        async with asyncio.timeout(timeout):
            while not await done():
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        for bot in bots:
            await bot.shutdown()
