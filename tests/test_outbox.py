"""The outbox on SQLite and PostgreSQL: what is due, leases and their expiry, back-off, failure, the owner check."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from claims.outbox import (
    FAILED,
    PENDING,
    SENT,
    DeliveryJob,
    PermanentFailure,
    RetryPolicy,
    TemporaryFailure,
    mark_failed,
    mark_retry,
    mark_sent,
    release,
    run_worker,
    take_due,
)
from conftest import make_world
from outbox_support import delivery, queue_deliveries

LEASE = timedelta(minutes=5)


async def take(db, now: datetime, owner: str = "worker-a", limit: int = 10, **kwargs) -> list[DeliveryJob]:  # type: ignore[no-untyped-def]
    async with db.sessionmaker.begin() as session:
        return await take_due(session, now, owner=owner, limit=limit, lease=LEASE, **kwargs)


async def test_due_delivery_is_leased_to_the_worker_that_takes_it(db, world, now):
    [queued] = await queue_deliveries(db, world, now, 1, language="en")
    [job] = await take(db, now, owner="worker-a")
    assert (job.id, job.channel, job.target, job.language, job.attempts) == (queued, "email", "person0@example.org",
                                                                           "en", 1)
    row = await delivery(db, queued)
    assert (row.lease_owner, row.leased_until, row.status) == ("worker-a", now + LEASE, PENDING)


async def test_leased_delivery_is_not_taken_by_another_worker(db, world, now):
    await queue_deliveries(db, world, now, 1)
    assert len(await take(db, now, owner="worker-a")) == 1
    assert await take(db, now + LEASE - timedelta(seconds=1), owner="worker-b") == []


async def test_delivery_whose_lease_ran_out_is_taken_again(db, world, now):
    [queued] = await queue_deliveries(db, world, now, 1)
    await take(db, now, owner="worker-a")
    [job] = await take(db, now + LEASE, owner="worker-b")
    assert job.id == queued and job.attempts == 2
    assert (await delivery(db, queued)).lease_owner == "worker-b"


async def test_delivery_is_not_taken_before_its_next_attempt(db, world, now):
    await queue_deliveries(db, world, now, 1)
    assert await take(db, now - timedelta(seconds=1)) == []


async def test_only_the_channels_asked_for_are_taken(db, world, now):
    await queue_deliveries(db, world, now, 1, channel="telegram")
    assert await take(db, now, channels=["email"]) == []
    assert [job.channel for job in await take(db, now, channels=["email", "telegram"])] == ["telegram"]


async def test_take_stops_at_the_limit_oldest_first(db, world, now):
    queued = await queue_deliveries(db, world, now, 5)
    assert [job.id for job in await take(db, now, limit=3)] == queued[:3]


async def test_sent_delivery_is_never_taken_again(db, world, now):
    [queued] = await queue_deliveries(db, world, now, 1)
    await take(db, now)
    async with db.sessionmaker.begin() as session:
        assert await mark_sent(session, queued, "worker-a", now) is True
    row = await delivery(db, queued)
    assert (row.status, row.sent_at, row.lease_owner) == (SENT, now, None)
    assert await take(db, now + timedelta(days=1)) == []


async def test_worker_whose_lease_ran_out_cannot_mark_what_another_took(db, world, now):
    [queued] = await queue_deliveries(db, world, now, 1)
    await take(db, now, owner="worker-a")
    await take(db, now + LEASE, owner="worker-b")
    async with db.sessionmaker.begin() as session:
        assert await mark_sent(session, queued, "worker-a", now + LEASE) is False
        assert await mark_retry(session, queued, "worker-a", now + LEASE, "late", retry_after=None) is False
    row = await delivery(db, queued)
    assert (row.status, row.lease_owner) == (PENDING, "worker-b")


async def test_temporary_failure_backs_off_exponentially_within_the_jitter(db, world, now):
    [queued] = await queue_deliveries(db, world, now, 1)
    policy = RetryPolicy(base=timedelta(seconds=30), cap=timedelta(hours=1), max_attempts=10)
    when = now
    for attempt, ceiling in [(1, 30), (2, 60), (3, 120)]:
        [job] = await take(db, when)
        assert job.attempts == attempt
        async with db.sessionmaker.begin() as session:
            await mark_retry(session, queued, "worker-a", when, "421 busy", retry_after=None, policy=policy)
        row = await delivery(db, queued)
        wait = (row.next_attempt_at - when).total_seconds()
        assert ceiling / 2 <= wait <= ceiling and row.lease_owner is None and row.last_error == "421 busy"
        assert await take(db, row.next_attempt_at - timedelta(seconds=1)) == []
        when = row.next_attempt_at


def test_back_off_is_capped():
    policy = RetryPolicy(base=timedelta(seconds=30), cap=timedelta(minutes=10))
    assert policy.delay(30, rng=lambda: 1.0) == timedelta(minutes=10)
    assert policy.delay(30, rng=lambda: 0.0) == timedelta(minutes=5)


async def test_retry_after_given_by_the_sender_is_the_wait(db, world, now):
    [queued] = await queue_deliveries(db, world, now, 1)
    await take(db, now)
    async with db.sessionmaker.begin() as session:
        await mark_retry(session, queued, "worker-a", now, "429", retry_after=timedelta(seconds=7))
    assert (await delivery(db, queued)).next_attempt_at == now + timedelta(seconds=7)


async def test_delivery_fails_once_its_attempts_are_spent(db, world, now):
    [queued] = await queue_deliveries(db, world, now, 1)
    policy = RetryPolicy(base=timedelta(seconds=1), max_attempts=2)
    when = now
    for _ in range(2):
        await take(db, when)
        async with db.sessionmaker.begin() as session:
            await mark_retry(session, queued, "worker-a", when, "timeout", retry_after=None, policy=policy)
        when += timedelta(minutes=1)
    row = await delivery(db, queued)
    assert (row.status, row.attempts, row.last_error) == (FAILED, 2, "timeout")
    assert await take(db, now + timedelta(days=1)) == []


async def test_permanent_failure_is_never_taken_again(db, world, now):
    [queued] = await queue_deliveries(db, world, now, 1)
    await take(db, now)
    async with db.sessionmaker.begin() as session:
        assert await mark_failed(session, queued, "worker-a", now, "550 no such user") is True
    row = await delivery(db, queued)
    assert (row.status, row.last_error, row.lease_owner) == (FAILED, "550 no such user", None)
    assert await take(db, now + timedelta(days=1)) == []


async def test_released_delivery_is_due_again_without_counting_an_attempt(db, world, now):
    [queued] = await queue_deliveries(db, world, now, 1)
    await take(db, now, owner="worker-a")
    async with db.sessionmaker.begin() as session:
        assert await release(session, [queued], "worker-a") == 1
    [job] = await take(db, now, owner="worker-b")
    assert job.attempts == 1


class Recorder:
    """A sender that answers from a script per target, and remembers what it was asked to send."""

    def __init__(self, failures: dict[str, Exception] | None = None) -> None:
        self.sent: list[DeliveryJob] = []
        self.failures = failures or {}

    async def send(self, delivery: DeliveryJob) -> None:
        if delivery.target in self.failures:
            raise self.failures[delivery.target]
        self.sent.append(delivery)


async def run_until_idle(db, senders, now: datetime, owner: str = "worker-a") -> None:  # type: ignore[no-untyped-def]
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(db.sessionmaker, senders, lambda: now, owner=owner, stop=stop, batch=3,
                                          poll_interval=0.05))
    await asyncio.sleep(0.5)
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_worker_sends_every_due_delivery_once_and_records_each_outcome(db, world, now):
    queued = await queue_deliveries(db, world, now, 5)
    sender = Recorder({"person1@example.org": PermanentFailure("550 unknown user"),
                       "person2@example.org": TemporaryFailure("421 try later")})
    await run_until_idle(db, {"email": sender}, now)
    assert sorted(job.target for job in sender.sent) == [f"person{i}@example.org" for i in (0, 3, 4)]
    statuses = [(await delivery(db, i)).status for i in queued]
    assert statuses == [SENT, FAILED, PENDING, SENT, SENT]
    assert (await delivery(db, queued[2])).next_attempt_at > now


async def test_sender_bug_is_retried_not_fatal_to_the_worker(db, world, now):
    queued = await queue_deliveries(db, world, now, 2)
    sender = Recorder({"person0@example.org": ZeroDivisionError("bug")})
    await run_until_idle(db, {"email": sender}, now)
    assert [job.target for job in sender.sent] == ["person1@example.org"]
    row = await delivery(db, queued[0])
    assert row.status == PENDING and "ZeroDivisionError" in (row.last_error or "")


async def test_stopped_worker_finishes_its_send_and_releases_the_rest_of_its_batch(db, world, now):
    queued = await queue_deliveries(db, world, now, 3)
    stop = asyncio.Event()

    class StopsAfterFirst(Recorder):
        async def send(self, delivery: DeliveryJob) -> None:
            stop.set()  # SIGTERM arrives while this send is in flight
            await asyncio.sleep(0.05)
            await super().send(delivery)

    sender = StopsAfterFirst()
    await asyncio.wait_for(run_worker(db.sessionmaker, {"email": sender}, lambda: now, owner="worker-a", stop=stop,
                                      batch=3, poll_interval=0.05), 5)
    assert len(sender.sent) == 1
    rows = [await delivery(db, i) for i in queued]
    assert [r.status for r in rows] == [SENT, PENDING, PENDING]
    assert [(r.lease_owner, r.attempts) for r in rows[1:]] == [(None, 0), (None, 0)]


async def test_postgres_takers_in_open_transactions_get_disjoint_batches(postgres_db, now):
    await queue_deliveries(postgres_db, await make_world(postgres_db, now), now, 6)
    async with postgres_db.sessionmaker.begin() as first, postgres_db.sessionmaker.begin() as second:
        a = await take_due(first, now, owner="a", limit=4, lease=LEASE)
        # SKIP LOCKED: the second transaction neither waits for the first nor takes its rows.
        b = await asyncio.wait_for(take_due(second, now, owner="b", limit=4, lease=LEASE), 5)
    assert len(a) == 4 and len(b) == 2 and not {j.id for j in a} & {j.id for j in b}
