"""run_worker with concurrency: targets side by side, one target's deliveries in order, a killed worker's leases."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import update

from claims.models import Delivery
from claims.outbox import PENDING, SENT, DeliveryJob, run_worker
from outbox_support import delivery, queue_deliveries
from smtp_support import run_outbox_until


class Slow:
    """A sender taking 0.1 s per send, noting the order of sends and how many were in flight at once."""

    def __init__(self) -> None:
        self.order: list[int] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def send(self, job: DeliveryJob) -> None:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0.1)
        self.in_flight -= 1
        self.order.append(job.id)


async def test_deliveries_to_different_targets_are_sent_side_by_side(db, world, now):
    queued = await queue_deliveries(db, world, now, 6)
    sender = Slow()
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(db.sessionmaker, {"email": sender}, lambda: now, owner="w", stop=stop,
                                          batch=10, poll_interval=0.05, concurrency=4))
    await asyncio.sleep(0.6)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert sender.most_in_flight == 4 and sorted(sender.order) == queued


async def test_deliveries_to_one_target_go_one_after_another_in_order(db, world, now):
    queued = await queue_deliveries(db, world, now, 4)
    async with db.sessionmaker.begin() as session:  # one chat, four badges
        await session.execute(update(Delivery).values(target="same@example.org"))
    sender = Slow()
    done = lambda: asyncio.sleep(0, len(sender.order) == 4)  # noqa: E731
    await run_outbox_until(db, {"email": sender}, lambda: now, done)
    assert sender.order == queued and sender.most_in_flight == 1


async def test_killed_worker_leaves_unstarted_deliveries_due_at_once(db, world, now):
    queued = await queue_deliveries(db, world, now, 3)
    started = asyncio.Event()

    class Hangs:
        async def send(self, job: DeliveryJob) -> None:
            started.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(run_worker(db.sessionmaker, {"email": Hangs()}, lambda: now, owner="w",
                                          stop=asyncio.Event(), batch=3, poll_interval=0.05, concurrency=1))
    await asyncio.wait_for(started.wait(), 5)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    rows = [await delivery(db, i) for i in queued]
    # The send in flight keeps its lease (did it reach the server? nobody knows); the others are free again.
    assert [(r.status, r.lease_owner) for r in rows] == [(PENDING, "w"), (PENDING, None), (PENDING, None)]
    assert rows[0].leased_until == now + timedelta(minutes=5) and SENT not in [r.status for r in rows]
