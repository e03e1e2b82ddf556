"""The cost of issuing one award, on SQLite and PostgreSQL, beside a bare one-row INSERT transaction.

    python bench/bench_issue.py [--postgres URL] [--n 300] [--rounds 5] [--ob2-signed]

A full issue is what a claim costs from the code to the bytes a person downloads: the claim transaction
(slot, signed OB 3.0 credential, OB 2.0 assertion, the award row, a queued delivery) with the baked
PNG made before it commits. The baseline is a transaction inserting one row on the same engine. Both run
interleaved in rounds (a batch of inserts, then a batch of issues, again and again), each round on
warm pooled connections, and the medians are compared, so a slow moment of the machine hits both.
Sequential, then 50 concurrent tasks. Target: a full issue <= 6 ms on both databases.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, text  # noqa: E402

from badgeclaim.database import create_engine, create_sessionmaker, migrate  # noqa: E402
from claims.awards import bake_award  # noqa: E402
from claims.context import IssuingContext  # noqa: E402
from claims.keyring import generate_issuer_keys  # noqa: E402
from claims.organising import create_badge_class, create_codes, create_event, create_issuer  # noqa: E402
from claims.redemption import Recipient, redeem_code  # noqa: E402
from conftest import png_bytes  # noqa: E402

NOW = datetime(2026, 6, 12, 10, tzinfo=timezone.utc)
SECRET = "bench-secret"
bench_meta = MetaData()
bare = Table("bench_bare", bench_meta, Column("id", Integer, primary_key=True), Column("email", String(320)))


async def setup(url: str, schema: str | None, codes_needed: int):  # type: ignore[no-untyped-def]
    kwargs = {"connect_args": {"server_settings": {"search_path": schema}}} if schema else {}
    engine = create_engine(url, **kwargs)
    await migrate(engine)
    async with engine.begin() as conn:
        await conn.run_sync(bench_meta.create_all)
    sessions = create_sessionmaker(engine)
    async with sessions.begin() as session:
        issuer = await create_issuer(session, name="Bench", url="https://b.example", email="b@b.example", now=NOW)
        session.add_all(generate_issuer_keys(issuer.id, SECRET, NOW))
        badge = await create_badge_class(session, issuer, name="B", description="d", criteria="c",
                                         image=png_bytes(256), now=NOW)
        event = await create_event(session, issuer, name="E", starts_at=NOW - timedelta(hours=1),
                                   ends_at=NOW + timedelta(hours=5), now=NOW)
        codes = await create_codes(session, event, badge, count=codes_needed, now=NOW)
    return engine, sessions, codes


async def batch_ms(ops: int, one: Callable[[], Awaitable[None]], concurrency: int) -> float:
    """Wall milliseconds per operation for ``ops`` operations run ``concurrency`` at a time."""
    semaphore = asyncio.Semaphore(concurrency)

    async def guarded() -> None:
        async with semaphore:
            await one()

    start = time.perf_counter()
    if concurrency == 1:
        for _ in range(ops):
            await one()
    else:
        await asyncio.gather(*(guarded() for _ in range(ops)))
    return (time.perf_counter() - start) * 1000 / ops


async def run_backend(name: str, url: str, schema: str | None, n: int, rounds: int, ob2_signed: bool):  # type: ignore[no-untyped-def]
    modes = ((f"{name} sequential", 1), (f"{name} 50 concurrent", 50))
    engine, sessions, codes = await setup(url, schema, n * rounds * len(modes) + 50)
    issuing = IssuingContext("https://badges.example.org", SECRET, ob2_signed)
    counter = iter(range(10**9))
    pool = iter(codes)

    async def one_insert() -> None:
        async with sessions.begin() as session:
            await session.execute(insert(bare).values(email=f"x{next(counter)}@example.org"))

    async def one_issue() -> None:
        address = f"r{next(counter)}@example.org"
        async with sessions.begin() as session:
            result = await redeem_code(session, next(pool), Recipient(email=address), NOW, channel="web",
                                       issuing=issuing, deliveries=[("email", address)])
            assert result.material is not None
            bake_award(result.award, result.material, issuing.urls)

    for _ in range(20):  # warm the pool, the caches and the JSON-LD contexts on both sides
        await one_insert()
    for _ in range(5):
        await one_issue()
    rows = []
    for label, concurrency in modes:
        inserts, issues = [], []
        for _ in range(rounds):
            inserts.append(await batch_ms(n, one_insert, concurrency))
            issues.append(await batch_ms(n, one_issue, concurrency))
        rows.append((label, statistics.median(inserts), statistics.median(issues)))
    await engine.dispose()
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default="postgresql+asyncpg://root@127.0.0.1:5432/test")
    parser.add_argument("--n", type=int, default=300, help="operations per batch")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved batches of each kind")
    parser.add_argument("--ob2-signed", action="store_true", help="also sign the OB 2.0 assertion (RS256)")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results += await run_backend("SQLite", f"sqlite+aiosqlite:///{tmp}/bench.sqlite3", None, args.n,
                                     args.rounds, args.ob2_signed)
    schema = "bench_" + uuid.uuid4().hex[:8]
    admin = create_engine(args.postgres)
    try:
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        results += await run_backend("PostgreSQL", args.postgres, schema, args.n, args.rounds, args.ob2_signed)
    except OSError as exc:
        print(f"PostgreSQL skipped: {exc}")
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()
    print(f"{'backend / mode':28} {'INSERT ms':>10} {'issue ms':>10} {'ratio':>7}  target: issue <= 6 ms")
    for label, insert_ms, issue_ms in results:
        verdict = "ok" if issue_ms <= 6 else "MISSED"
        print(f"{label:28} {insert_ms:10.2f} {issue_ms:10.2f} {issue_ms / insert_ms:6.2f}x  {verdict}")


if __name__ == "__main__":
    asyncio.run(main())
