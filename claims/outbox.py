"""The delivery outbox: taking due deliveries under a lease, back-off, marking them sent or failed, the worker loop."""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Collection, Mapping, Protocol

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from claims.models import Delivery

log = logging.getLogger(__name__)

PENDING, SENT, FAILED = "pending", "sent", "failed"
MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class DeliveryJob:
    """What a sender needs of one delivery: plain values, so a sender never touches the session."""

    id: int
    award_id: uuid.UUID
    channel: str
    target: str
    language: str
    attempts: int  # including this one


class PermanentFailure(Exception):
    """The delivery can never succeed (the address was refused, the award is gone): mark it failed."""


class TemporaryFailure(Exception):
    """Try again later; ``retry_after`` when the other side said how long to wait (Telegram's 429)."""

    def __init__(self, reason: str, *, retry_after: timedelta | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Sender(Protocol):
    async def send(self, delivery: DeliveryJob) -> None:
        """Deliver or raise PermanentFailure / TemporaryFailure; anything else counts as temporary."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off with jitter: ``base`` doubled per attempt, capped, then failed after ``max_attempts``."""

    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    max_attempts: int = 10

    def delay(self, attempts: int, rng: Callable[[], float] = random.random) -> timedelta:
        ceiling = min(self.cap, self.base * 2 ** max(attempts - 1, 0))
        # Between half and all of the ceiling: workers that failed together (SMTP went down) come back apart.
        return ceiling * (0.5 + 0.5 * rng())


DEFAULT_POLICY = RetryPolicy()


def _due(now: datetime) -> list[object]:
    return [
        Delivery.status == PENDING,
        Delivery.next_attempt_at <= now,
        or_(Delivery.leased_until.is_(None), Delivery.leased_until <= now),
    ]


async def take_due(
    session: AsyncSession,
    now: datetime,
    *,
    owner: str,
    limit: int,
    lease: timedelta,
    channels: Collection[str] | None = None,
) -> list[DeliveryJob]:
    """Lease up to ``limit`` due deliveries to ``owner`` in the caller's transaction; each take counts an attempt.

    A delivery is due when pending, its next attempt has come and no live lease holds it. On PostgreSQL the
    rows are locked with SKIP LOCKED, so workers of every process take disjoint batches without waiting on
    each other; SQLite's engine begins every transaction IMMEDIATE, so one writer takes at a time. Counting
    the attempt at the take (not at the outcome) is what retires a delivery that crashes its worker each time.
    """
    query = select(Delivery.id).where(*_due(now)).order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)
    if channels is not None:
        query = query.where(Delivery.channel.in_(list(channels)))
    ids = list((await session.scalars(query.with_for_update(skip_locked=True))).all())
    if not ids:
        return []
    rows = await session.execute(
        update(Delivery)
        .where(Delivery.id.in_(ids), *_due(now))
        .values(lease_owner=owner, leased_until=now + lease, attempts=Delivery.attempts + 1)
        .returning(Delivery.id, Delivery.award_id, Delivery.channel, Delivery.target, Delivery.language,
                   Delivery.attempts)
        .execution_options(synchronize_session=False)
    )
    return sorted((DeliveryJob(*row) for row in rows), key=lambda job: ids.index(job.id))


def _held_by(delivery_id: int, owner: str) -> list[object]:
    # The owner check is what keeps a worker whose lease ran out from marking a delivery another worker took.
    return [Delivery.id == delivery_id, Delivery.lease_owner == owner, Delivery.status == PENDING]


async def _finish(session: AsyncSession, delivery_id: int, owner: str, **values: object) -> bool:
    result = await session.execute(
        update(Delivery).where(*_held_by(delivery_id, owner)).values(lease_owner=None, leased_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def mark_sent(session: AsyncSession, delivery_id: int, owner: str, now: datetime) -> bool:
    """Sent. False (and nothing changed) when ``owner`` no longer holds the lease."""
    return await _finish(session, delivery_id, owner, status=SENT, sent_at=now, last_error=None)


async def mark_failed(session: AsyncSession, delivery_id: int, owner: str, now: datetime, error: str) -> bool:
    """Failed for good: never taken again. False when ``owner`` no longer holds the lease."""
    return await _finish(session, delivery_id, owner, status=FAILED, next_attempt_at=now,
                         last_error=error[:MAX_ERROR_CHARS])


async def mark_retry(
    session: AsyncSession,
    delivery_id: int,
    owner: str,
    now: datetime,
    error: str,
    *,
    retry_after: timedelta | None,
    policy: RetryPolicy = DEFAULT_POLICY,
) -> bool:
    """Try again after ``retry_after`` or the policy's back-off; failed once ``policy.max_attempts`` are spent.

    False when ``owner`` no longer holds the lease.
    """
    attempts = await session.scalar(select(Delivery.attempts).where(*_held_by(delivery_id, owner)))
    if attempts is None:
        return False
    if attempts >= policy.max_attempts:
        return await mark_failed(session, delivery_id, owner, now, error)
    wait = retry_after if retry_after is not None else policy.delay(attempts)
    return await _finish(session, delivery_id, owner, next_attempt_at=now + wait, last_error=error[:MAX_ERROR_CHARS])


async def release(session: AsyncSession, delivery_ids: Collection[int], owner: str) -> int:
    """Give back leased deliveries that were not tried (a stopping worker); their attempt is not counted."""
    if not delivery_ids:
        return 0
    result = await session.execute(
        update(Delivery)
        .where(Delivery.id.in_(list(delivery_ids)), Delivery.lease_owner == owner, Delivery.status == PENDING)
        .values(lease_owner=None, leased_until=None, attempts=Delivery.attempts - 1)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


@dataclass(frozen=True)
class _Outcome:
    error: str | None = None
    permanent: bool = False
    retry_after: timedelta | None = None


async def _attempt(sender: Sender, job: DeliveryJob) -> _Outcome:
    try:
        await sender.send(job)
    except PermanentFailure as exc:
        log.warning("delivery %s (%s) failed for good: %s", job.id, job.channel, exc)
        return _Outcome(str(exc) or exc.__class__.__name__, permanent=True)
    except TemporaryFailure as exc:
        log.info("delivery %s (%s) will be retried: %s", job.id, job.channel, exc)
        return _Outcome(str(exc) or exc.__class__.__name__, retry_after=exc.retry_after)
    except Exception as exc:  # a sender's bug must not stop the worker; the delivery is retried, then fails
        log.exception("delivery %s (%s): unexpected error in the sender", job.id, job.channel)
        return _Outcome(f"{exc.__class__.__name__}: {exc}")
    return _Outcome()


async def _mark(session: AsyncSession, job: DeliveryJob, outcome: _Outcome, owner: str, now: datetime,
                policy: RetryPolicy) -> None:
    if outcome.error is None:
        held = await mark_sent(session, job.id, owner, now)
    elif outcome.permanent:
        held = await mark_failed(session, job.id, owner, now, outcome.error)
    else:
        held = await mark_retry(session, job.id, owner, now, outcome.error, retry_after=outcome.retry_after,
                                policy=policy)
    if not held:
        log.warning("delivery %s: lease lost to another worker before its outcome was recorded", job.id)


async def run_worker(
    sessionmaker: async_sessionmaker[AsyncSession],
    senders: Mapping[str, Sender],
    clock: Callable[[], datetime],
    *,
    owner: str,
    stop: asyncio.Event,
    batch: int = 10,
    poll_interval: float = 1.0,
    lease: timedelta = timedelta(minutes=5),
    policy: RetryPolicy = DEFAULT_POLICY,
    concurrency: int = 1,
) -> None:
    """Take due deliveries of the channels in ``senders`` and send them until ``stop`` is set.

    Up to ``concurrency`` sends run at once (a Telegram bot may send ~30 messages a second, each a round
    trip); deliveries to one target (one chat, one address) go one after another in the order taken. At
    most ``batch`` deliveries are leased and not yet finished at any time: the worker takes more as sends
    finish. Each take and each outcome is its own short transaction: a send (network I/O) never holds one
    open. When ``stop`` is set the sends in flight finish and their outcomes are recorded; what was taken
    but not started is released for another worker. A database that does not answer is waited out.
    """
    lanes = _Lanes(sessionmaker, senders, clock, owner, stop, policy, asyncio.Semaphore(max(1, concurrency)))
    # Take in chunks, not one delivery per finished send: each take is a write transaction (SQLite's one lock).
    refill = max(1, batch // 2)
    try:
        while not stop.is_set():
            room = batch - lanes.outstanding
            if room < refill:
                await lanes.wait(stop, None)  # take more once enough sends have finished
                continue
            try:
                async with sessionmaker.begin() as session:
                    jobs = await take_due(session, clock(), owner=owner, limit=room, lease=lease,
                                          channels=list(senders))
            except Exception:
                log.exception("outbox: cannot take deliveries; trying again in %ss", poll_interval)
                jobs = []
            lanes.add(jobs)
            if len(jobs) < room:
                await lanes.wait(stop, poll_interval)  # nothing more is due: look again later
    except asyncio.CancelledError:
        # Killed rather than stopped: sends in flight are abandoned (their leases run out, as after a crash).
        await lanes.drain(abandon=True)
        raise
    await lanes.drain(abandon=False)


class _Lanes:
    """One queue per target: its deliveries are sent in order; different targets are sent side by side."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], senders: Mapping[str, Sender],
                 clock: Callable[[], datetime], owner: str, stop: asyncio.Event, policy: RetryPolicy,
                 slots: asyncio.Semaphore) -> None:
        self._sessionmaker, self._senders, self._clock = sessionmaker, senders, clock
        self._owner, self._stop, self._policy, self._slots = owner, stop, policy, slots
        self._queues: dict[tuple[str, str], list[DeliveryJob]] = {}
        self._tasks: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._progress = asyncio.Event()
        self._halt = asyncio.Event()
        self.outstanding = 0  # taken and neither recorded nor released
        # Outcomes are written by one recorder, all those ready in one transaction: under load that is one
        # commit for many sends instead of one each (SQLite has a single writer).
        self._outcomes: list[tuple[DeliveryJob, _Outcome, datetime]] = []
        self._outcome_ready = asyncio.Event()
        self._closing = False  # every lane has ended: the recorder ends once nothing is left to write
        self._recorder = asyncio.create_task(self._record_forever(), name="outbox-recorder")

    def add(self, jobs: list[DeliveryJob]) -> None:
        for job in jobs:
            key = (job.channel, job.target)
            self._queues.setdefault(key, []).append(job)
            self.outstanding += 1
            if key not in self._tasks:
                self._tasks[key] = asyncio.create_task(self._run(key), name=f"outbox-lane-{job.id}")

    async def wait(self, stop: asyncio.Event, timeout: float | None) -> None:
        """Until a send finishes, ``stop`` is set, or ``timeout`` seconds pass."""
        self._progress.clear()
        stopping = asyncio.ensure_future(stop.wait())
        progress = asyncio.ensure_future(self._progress.wait())
        try:
            await asyncio.wait({stopping, progress}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            progress.cancel()

    async def _run(self, key: tuple[str, str]) -> None:
        queue = self._queues[key]
        try:
            while queue and not self._halted():
                async with self._slots:
                    if self._halted():
                        break
                    job = queue.pop(0)
                    outcome = await _attempt(self._senders[job.channel], job)
                self._outcomes.append((job, outcome, self._clock()))
                self._outcome_ready.set()
        finally:
            del self._tasks[key]
            if not queue:
                del self._queues[key]

    async def _record_forever(self) -> None:
        while True:
            await self._outcome_ready.wait()
            self._outcome_ready.clear()
            ready, self._outcomes = self._outcomes, []
            if ready:
                try:
                    async with self._sessionmaker.begin() as session:
                        for job, outcome, at in ready:
                            await _mark(session, job, outcome, self._owner, at, self._policy)
                except Exception:
                    # Recording failed (database gone): the leases run out and the deliveries come back.
                    log.exception("outbox: cannot record the outcome of deliveries %s", [job.id for job, *_ in ready])
                self.outstanding -= len(ready)
                self._progress.set()
            if self._closing and not self._outcomes:
                return

    def _halted(self) -> bool:
        return self._stop.is_set() or self._halt.is_set()

    async def drain(self, *, abandon: bool) -> None:
        """Let the sends in flight finish (or cancel them: ``abandon``), then release what was never started."""
        self._halt.set()
        tasks = list(self._tasks.values())
        if abandon:
            for task in tasks:
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._closing = True
        self._outcome_ready.set()  # the outcomes of the last sends, then the recorder ends
        await self._recorder
        left = [job.id for queue in self._queues.values() for job in queue]
        self._queues.clear()
        if left:
            try:
                async with self._sessionmaker.begin() as session:
                    await release(session, left, self._owner)
            except Exception:
                log.exception("outbox: cannot release leases; they will run out")
