"""An event's statistics (claims.statistics.event_statistics) on 10,000 awards, beside a bare COUNT(*).

    python bench/bench_statistics.py [--postgres URL] [--awards 10000] [--backend sqlite|postgres|both]

For each backend: a migrated database with one issuer, three badges, an event and --awards awards spread
over 12 hours and four channels (a tenth revoked, one delivery each, a fifth of them still pending), plus
another event's awards as noise. Then the median of 20 runs of event_statistics, and of the cheapest
question one can ask of the same rows (SELECT count(*) FROM awards WHERE event_id = …), each in its own
session. Prints both and their ratio. Target: within 20× the bare count and under 250 ms (three grouped
queries, each one pass over the event's rows; nothing fetched per award), also before PostgreSQL has
statistics on freshly filled tables.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics as stats
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import func, insert, select, text  # noqa: E402

from badgeclaim.database import create_engine, create_sessionmaker, migrate  # noqa: E402
from claims.models import Award, Delivery  # noqa: E402
from claims.organising import create_badge_class, create_codes, create_event, create_issuer  # noqa: E402
from claims.redemption import CHANNELS  # noqa: E402
from claims.statistics import event_statistics  # noqa: E402
from conftest import png_bytes  # noqa: E402

NOW = datetime(2026, 12, 3, 18, 0, tzinfo=timezone.utc)
RUNS = 20


async def fill(sessions: Any, awards: int) -> uuid.UUID:
    """The event measured, with ``awards`` awards; another event gets as many, so filtering counts."""
    async with sessions.begin() as session:
        issuer = await create_issuer(session, name="Bench", url="https://bench.example.org",
                                     email="bench@example.org", now=NOW)
        badges = [await create_badge_class(session, issuer, name=f"Badge {i}", description="d", criteria="c",
                                           image=png_bytes(), now=NOW) for i in range(3)]
        events = [await create_event(session, issuer, name=f"Event {i}", starts_at=NOW - timedelta(hours=12),
                                     ends_at=NOW, now=NOW) for i in range(2)]
        for event in events:
            for badge in badges:
                await create_codes(session, event, badge, count=1, now=NOW)
    used: set[int] = set()
    for event in events:
        rows, deliveries = [], []
        for index in range(awards):
            award_id = uuid.uuid4()
            status_index = secrets.randbelow(2**31)
            while status_index in used:
                status_index = secrets.randbelow(2**31)
            used.add(status_index)
            issued = NOW - timedelta(hours=12) + timedelta(seconds=index * 43200 // awards)
            rows.append(dict(id=award_id, badge_class_id=badges[index % 3].id, event_id=event.id,
                             recipient_salt="s", channel=CHANNELS[index % 4], status_index=status_index,
                             issued_at=issued, revoked_at=issued + timedelta(minutes=1) if index % 10 == 0 else None))
            deliveries.append(dict(award_id=award_id, channel="email", target=f"p{index}@example.org",
                                   status="pending" if index % 5 == 0 else "sent", next_attempt_at=issued,
                                   created_at=issued))
        async with sessions.begin() as session:
            for start in range(0, awards, 1000):
                await session.execute(insert(Award), rows[start:start + 1000])
                await session.execute(insert(Delivery), deliveries[start:start + 1000])
    return events[0].id


async def median_ms(work: Callable[[], Awaitable[object]]) -> float:
    await work()  # warm caches and the connection pool
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        await work()
        times.append(time.perf_counter() - start)
    return stats.median(times) * 1000


async def measure(url: str, awards: int, schema: str | None = None) -> tuple[float, float]:
    kwargs: dict[str, Any] = {}
    if schema is not None:
        kwargs["connect_args"] = {"server_settings": {"search_path": schema}}
    engine = create_engine(url, **kwargs)
    try:
        await migrate(engine)
        sessions = create_sessionmaker(engine)
        event_id = await fill(sessions, awards)
        # No ANALYZE: the planner without statistics (a table filled since autovacuum last looked) is the
        # case that once took seconds.

        async def statistics_once() -> object:
            async with sessions() as session:
                result = await event_statistics(session, event_id, NOW)
                assert result.total == awards
                return result

        async def count_once() -> object:
            async with sessions() as session:
                return await session.scalar(select(func.count()).select_from(Award).where(Award.event_id == event_id))

        return await median_ms(statistics_once), await median_ms(count_once)
    finally:
        await engine.dispose()


async def on_postgres(url: str, awards: int) -> tuple[float, float]:
    schema = "bench_" + uuid.uuid4().hex[:12]
    admin = create_engine(url, pool_size=1, max_overflow=0)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        return await measure(url, awards, schema)
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgresql+asyncpg://root@127.0.0.1:5432/test")
    parser.add_argument("--awards", type=int, default=10_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for backend in backends:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                took, baseline = asyncio.run(measure(f"sqlite+aiosqlite:///{folder}/bench.sqlite3", args.awards))
        else:
            took, baseline = asyncio.run(on_postgres(args.postgres, args.awards))
        print(f"{backend:8} {args.awards} awards: event_statistics {took:7.2f} ms, bare COUNT(*) {baseline:6.2f} ms, "
              f"ratio {took / baseline:5.1f}× (target ≤ 20×, < 250 ms)")


if __name__ == "__main__":
    main()
