"""1,000 badges delivered through Telegram by the outbox worker, against the Bot API's flood limits.

    python bench/bench_bot_delivery.py [--n 1000] [--backend sqlite|postgres] [--rate 30] [--workers 1]
                                       [--share-429 0.05] [--through-bot]

The fake Bot API server (tests/telegram_fake.py, 127.0.0.1) enforces ≈30 messages/s overall and 1/s per chat
and answers 429 (retry_after 1 s) to 5 % of the sends, drawn from a seeded RNG. ``--n`` people claim a badge
each: with ``--through-bot``, through the real bot (``/start <code>``, then "Skip" for the e-mail), else by
``redeem_code`` as the bot does; either way each claim queues one Telegram delivery. Then the outbox
worker process(es) with the Telegram sender deliver them all (``--workers`` processes, each its own bot whose
limiter gets ``--rate / --workers``; a 5xx would be retried after ~1 s rather than the production 30 s). Printed: the delivery time against its lower bound n/30 s (target
≤ 1.25×), the same deliveries with no limit and no fault (the machinery's own speed, measured in this run),
lost (not delivered) and duplicated (a chat with two documents) — both must be 0.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import delete, func, select, update  # noqa: E402

from bot.sender import CHANNEL, DELIVERY_CONCURRENCY  # noqa: E402
from claims.models import Delivery  # noqa: E402
from claims.outbox import PENDING, SENT  # noqa: E402
from conftest import Database, World, make_world, open_database  # noqa: E402
from telegram_fake import Faults, TelegramFake, TelegramUser, running_fake  # noqa: E402

TELEGRAM_LIMIT = 30.0  # messages/s a bot may send overall (the fake enforces it)
FIRST_CHAT = 5_000_001
WORKER = ROOT / "tests" / "telegram_worker.py"


def wall_clock() -> datetime:
    return datetime.now(timezone.utc)


async def claim_by_redeem(db: Database, world: World, n: int) -> None:
    from telegram_outbox_support import queue_telegram_deliveries

    await queue_telegram_deliveries(db, world, wall_clock(), [FIRST_CHAT + i for i in range(n)])


async def claim_through_bot(db: Database, world: World, n: int, fake: TelegramFake) -> None:
    """Each person sends /start <code> to the real bot (polling the fake) and taps Skip; 50 people at a time."""
    from bot_support import bot_settings, running_bot
    from web_support import make_codes

    codes = await make_codes(db, world, wall_clock(), count=n)
    people = asyncio.Semaphore(50)

    async def one(index: int, code: str) -> None:
        person = TelegramUser(FIRST_CHAT + index, f"Personne {index}", "fr")
        async with people:
            asked = await fake.next_reply(person.id, lambda: fake.send_command(person, "start", code), timeout=120)
            skip = next(data for label, data in asked.buttons() if data and "skip" in data.lower())
            before = len(fake.messages(person.id))
            fake.press_button(person, asked, skip)
            await fake.wait_messages(person.id, before + 1, timeout=120)

    async with running_bot(db, fake, wall_clock, bot_settings(fake)):
        await asyncio.gather(*(one(i, code) for i, code in enumerate(codes)))


async def deliver(db: Database, fake: TelegramFake, *, workers: int, rate: float, concurrency: int) -> float:
    """Seconds until no delivery is pending, with ``workers`` worker processes sharing ``rate`` messages/s.

    Each worker is its own OS process (tests/telegram_worker.py), as behind ``badgeclaim serve``; the clock
    starts once all of them are set up (imports, database, bot) and told to go.
    """
    processes = [await asyncio.create_subprocess_exec(
        sys.executable, str(WORKER), db.url, db.schema or "", fake.api_url, fake.token, "--owner", f"bench-{i}",
        "--concurrency", str(concurrency), "--rate", str(rate / workers), "--retry-base", "1",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE) for i in range(workers)]
    try:
        for process in processes:
            assert process.stdout is not None and await process.stdout.readline() == b"ready\n"
        started = time.perf_counter()
        for process in processes:
            assert process.stdin is not None
            process.stdin.write(b"go\n")
            await process.stdin.drain()
        while await pending(db):
            await asyncio.sleep(0.25)  # each look takes SQLite's write lock (BEGIN IMMEDIATE): look rarely
        return time.perf_counter() - started
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            await process.wait()


async def pending(db: Database) -> int:
    async with db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).where(Delivery.status == PENDING)) or 0)


async def sent(db: Database) -> int:
    async with db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).where(Delivery.status == SENT)) or 0)


async def reset_deliveries(db: Database) -> None:
    """Every delivery pending again, due now (the baseline run sends them first)."""
    async with db.sessionmaker.begin() as session:
        await session.execute(update(Delivery).values(status=PENDING, attempts=0, next_attempt_at=wall_clock(),
                                                      lease_owner=None, leased_until=None, sent_at=None,
                                                      last_error=None))


def counts(fake: TelegramFake, n: int) -> tuple[int, int]:
    """(chats without their document, chats with more than one)."""
    per_chat = [len(fake.sent_documents(FIRST_CHAT + i)) for i in range(n)]
    return sum(1 for c in per_chat if c == 0), sum(1 for c in per_chat if c > 1)


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with open_database(args.backend, Path(tmp)) as db, running_fake() as fake:
            world = await make_world(db, wall_clock())
            started = time.perf_counter()
            if args.through_bot:
                await claim_through_bot(db, world, args.n, fake)
                async with db.sessionmaker.begin() as session:  # only the badges: the bot's e-mail ones aside
                    await session.execute(delete(Delivery).where(Delivery.channel != CHANNEL))
            else:
                await claim_by_redeem(db, world, args.n)
            claimed = time.perf_counter() - started
            queued = await pending(db)
            print(f"{args.n} claims ({'through the bot' if args.through_bot else 'redeem_code'}, {args.backend}): "
                  f"{claimed:.1f} s; {queued} Telegram deliveries queued")

            # Baseline: the same deliveries, no limit, no fault; then sent again under the limits.
            baseline = await deliver(db, fake, workers=args.workers, rate=10_000, concurrency=args.concurrency)
            fake.forget_sent()
            await reset_deliveries(db)
            fake.enforce_limits(overall_per_second=TELEGRAM_LIMIT, per_chat_per_second=1)
            fake.inject_faults(Faults(too_many_requests=args.share_429, retry_after=1, seed=10))
            elapsed = await deliver(db, fake, workers=args.workers, rate=args.rate, concurrency=args.concurrency)
            lost, duplicated = counts(fake, args.n)
            lost += queued - await sent(db)
            statuses = [call.status for call in fake.calls_to("sendDocument")]
            bound = args.n / TELEGRAM_LIMIT
            print(f"baseline, no limit and no fault: {baseline:.1f} s ({args.n / baseline:.0f} badges/s)")
            print(f"under 30/s overall, 1/s per chat, {args.share_429:.0%} injected 429 "
                  f"(workers {args.workers}, limiter {args.rate:g}/s): {elapsed:.1f} s "
                  f"= {elapsed / bound:.2f} x the {bound:.1f} s bound (target <= 1.25 x); "
                  f"{elapsed / baseline:.1f} x the baseline")
            print(f"sendDocument calls {len(statuses)}: {statuses.count(200)} accepted, {statuses.count(429)} 429, "
                  f"others {len(statuses) - statuses.count(200) - statuses.count(429)}; "
                  f"lost {lost}, duplicated {duplicated}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rate", type=float, default=TELEGRAM_LIMIT, help="the senders' limiter, messages/s")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=DELIVERY_CONCURRENCY, help="sends in flight per worker")
    parser.add_argument("--share-429", type=float, default=0.05)
    parser.add_argument("--through-bot", action="store_true")
    asyncio.run(main(parser.parse_args()))
