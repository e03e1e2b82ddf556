"""A separate OS process running one outbox worker with the Telegram sender (the kill -9 test's victim, the bench's
workers). It prints ``ready`` once set up, starts on a line on stdin, and stops cleanly on SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import datetime, timedelta, timezone

from badgeclaim.database import create_sessionmaker
from bot.sender import DELIVERY_RATE, TelegramSender, delivery_bot
from claims.outbox import RetryPolicy, run_worker
from conftest import engine_for, issuing_context


def wall_clock() -> datetime:
    return datetime.now(timezone.utc)


async def main(args: argparse.Namespace) -> None:
    engine = engine_for(args.url, args.schema or None)
    sessions = create_sessionmaker(engine)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    policy = RetryPolicy(base=timedelta(seconds=args.retry_base), max_attempts=50)
    async with delivery_bot(args.token, args.api_url, messages_per_second=args.rate,
                            concurrency=args.concurrency) as bot:
        sender = TelegramSender(bot, sessions, issuing_context())
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        await run_worker(sessions, {"telegram": sender}, wall_clock, owner=args.owner, stop=stop,
                         batch=2 * args.concurrency, poll_interval=0.05, policy=policy, concurrency=args.concurrency)
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    for name in ("url", "schema", "api_url", "token"):
        parser.add_argument(name)
    parser.add_argument("--owner", default="worker-process")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rate", type=float, default=DELIVERY_RATE)
    parser.add_argument("--retry-base", type=float, default=30.0)
    asyncio.run(main(parser.parse_args()))
