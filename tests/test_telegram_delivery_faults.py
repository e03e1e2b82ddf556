"""Telegram delivery under faults: 429s, 500s, timeouts, two workers, a worker killed with SIGKILL mid-batch."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

from claims.outbox import SENT
from telegram_fake import Faults, TelegramFake
from telegram_outbox_support import (
    deliver_all,
    documents_per_chat,
    none_pending,
    queue_telegram_deliveries,
    statuses,
    wall_clock,
)

WORKER = Path(__file__).with_name("telegram_worker.py")
CHATS = [7000 + n for n in range(12)]


def exactly_once(fake: TelegramFake) -> dict[int, int]:
    return {chat: 1 for chat in CHATS} | {c: n for c, n in documents_per_chat(fake, CHATS).items() if n != 1}


async def test_429_with_retry_after_still_delivers_every_badge_once(db, world, now, telegram_fake):
    await queue_telegram_deliveries(db, world, now, CHATS)
    telegram_fake.inject_faults(Faults(too_many_requests=0.4, retry_after=1, seed=1))
    await deliver_all(db, telegram_fake)
    assert documents_per_chat(telegram_fake, CHATS) == exactly_once(telegram_fake)
    assert set((await statuses(db)).values()) == {SENT}
    assert Counter(call.status for call in telegram_fake.calls_to("sendDocument"))[429] > 0


async def test_server_errors_and_timeouts_still_deliver_every_badge_once(db, world, now, telegram_fake):
    await queue_telegram_deliveries(db, world, now, CHATS)
    telegram_fake.inject_faults(Faults(server_errors=0.25, timeouts=0.25, timeout_seconds=0.6, seed=2))
    await deliver_all(db, telegram_fake, read_timeout=0.3)
    assert documents_per_chat(telegram_fake, CHATS) == exactly_once(telegram_fake)
    assert set((await statuses(db)).values()) == {SENT}
    assert {500, 502} <= {call.status for call in telegram_fake.calls_to("sendDocument")}


async def test_two_workers_under_faults_send_each_badge_once(db, world, now, telegram_fake):
    await queue_telegram_deliveries(db, world, now, CHATS)
    telegram_fake.inject_faults(Faults(too_many_requests=0.2, server_errors=0.2, seed=3))
    await deliver_all(db, telegram_fake, workers=2, concurrency=4)
    assert documents_per_chat(telegram_fake, CHATS) == exactly_once(telegram_fake)


async def test_answer_lost_after_telegram_accepted_sends_the_badge_again_rather_than_lose_it(
        db, world, now, telegram_fake):
    # The one window no Bot API client can close (bot/sender.py): at-least-once, never lost.
    await queue_telegram_deliveries(db, world, now, CHATS[:1])
    telegram_fake.inject_faults(Faults(timeouts=1.0, timeout_seconds=0.6, timeouts_after_acting=True))
    task = asyncio.create_task(deliver_all(db, telegram_fake, read_timeout=0.3))
    await telegram_fake.wait_for(lambda: len(telegram_fake.sent_documents(CHATS[0])) == 1)
    telegram_fake.inject_faults(None)
    await task
    assert len(telegram_fake.sent_documents(CHATS[0])) == 2 and set((await statuses(db)).values()) == {SENT}


async def test_worker_killed_mid_batch_leaves_the_rest_to_the_next_worker_and_none_twice(
        db, world, now, telegram_fake):
    await queue_telegram_deliveries(db, world, now, CHATS)
    telegram_fake.stall_sends_after(5)  # then the killed worker's sends in flight never reach Telegram
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(WORKER), db.url, db.schema or "", telegram_fake.api_url, telegram_fake.token,
        "--owner", "doomed", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        assert await asyncio.wait_for(process.stdout.readline(), 30) == b"ready\n"
        process.stdin.write(b"go\n")
        await telegram_fake.wait_for(lambda: telegram_fake.stalled_calls >= 1, timeout=30)
        sent = lambda: sum(1 for s in (statuses_now or {}).values() if s == SENT)  # noqa: E731
        statuses_now: dict[str, str] = {}
        async with asyncio.timeout(15):  # its five accepted sends are recorded before the kill
            while sent() < 5:
                statuses_now = await statuses(db)
                await asyncio.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    telegram_fake.release_stalled()
    # The next worker comes once the dead one's leases ran out (5 minutes, on its clock).
    await deliver_all(db, telegram_fake, clock=lambda: wall_clock() + timedelta(minutes=6))
    assert await none_pending(db)()
    assert documents_per_chat(telegram_fake, CHATS) == exactly_once(telegram_fake)
