"""A separate OS process running one outbox worker with the Telegram sender (the kill -9 test's victim)."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timezone

from badgeclaim.database import create_sessionmaker
from bot.sender import TelegramSender, delivery_bot
from claims.outbox import run_worker
from conftest import engine_for, issuing_context


async def main(url: str, schema: str, api_url: str, token: str) -> None:
    engine = engine_for(url, schema or None)
    sessions = create_sessionmaker(engine)
    async with delivery_bot(token, api_url) as bot:
        print("ready", flush=True)
        await run_worker(sessions, {"telegram": TelegramSender(bot, sessions, issuing_context())},
                         lambda: datetime.now(timezone.utc), owner="doomed", stop=asyncio.Event(), batch=8,
                         poll_interval=0.05, concurrency=4)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
