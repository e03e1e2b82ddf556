"""Redemptions per second on SQLite and PostgreSQL, next to a bare one-row INSERT in the same run.

    python bench/bench_redeem.py [--postgres URL] [--n 400]

For each backend: sequential (one at a time) and 50 concurrent tasks. Redemption here is the claim
transaction alone (parse, checks, slot, award row, audit); signing and baking are measured in bench_bake.
Target: redemption <= 3x a bare insert.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, text  # noqa: E402

from badgeclaim.database import create_engine, create_sessionmaker, migrate  # noqa: E402
from claims.organising import create_badge_class, create_codes, create_event, create_issuer  # noqa: E402
from claims.redemption import Recipient, redeem_code  # noqa: E402
from conftest import png_bytes  # noqa: E402

NOW = datetime(2026, 6, 12, 10, tzinfo=timezone.utc)
bench_meta = MetaData()
bare = Table("bench_bare", bench_meta, Column("id", Integer, primary_key=True), Column("email", String(320)))


async def setup(url: str, schema: str | None, n: int):  # type: ignore[no-untyped-def]
    kwargs = {"connect_args": {"server_settings": {"search_path": schema}}} if schema else {}
    engine = create_engine(url, **kwargs)
    await migrate(engine)
    async with engine.begin() as conn:
        await conn.run_sync(bench_meta.create_all)
    sessions = create_sessionmaker(engine)
    async with sessions.begin() as session:
        issuer = await create_issuer(session, name="Bench", url="https://b.example", email="b@b.example", now=NOW)
        badge = await create_badge_class(session, issuer, name="B", description="d", criteria="c", image=png_bytes(), now=NOW)
        event = await create_event(session, issuer, name="E", starts_at=NOW - timedelta(hours=1),
                                   ends_at=NOW + timedelta(hours=5), now=NOW)
        codes = await create_codes(session, event, badge, count=4 * n, now=NOW)
    return engine, sessions, codes


async def timed(label: str, ops: int, work) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    await work()
    elapsed = time.perf_counter() - start
    return ops / elapsed


async def run_backend(name: str, url: str, schema: str | None, n: int) -> list[tuple[str, float, float]]:
    engine, sessions, codes = await setup(url, schema, n)
    counter = iter(range(10**9))

    async def one_insert() -> None:
        async with sessions.begin() as session:
            await session.execute(insert(bare).values(email=f"x{next(counter)}@example.org"))

    async def one_redeem(code: str) -> None:
        async with sessions.begin() as session:
            await redeem_code(session, code, Recipient(email=f"r{next(counter)}@example.org"), NOW, channel="web")

    rows = []
    # Warm-up so both sides run on open pooled connections.
    for _ in range(20):
        await one_insert()
    pool = iter(codes)

    async def seq_insert() -> None:
        for _ in range(n):
            await one_insert()

    async def seq_redeem() -> None:
        for _ in range(n):
            await one_redeem(next(pool))

    async def conc(fn, total: int) -> None:  # type: ignore[no-untyped-def]
        sem = asyncio.Semaphore(50)

        async def guarded(i: int) -> None:
            async with sem:
                await fn(i)

        await asyncio.gather(*(guarded(i) for i in range(total)))

    ins = []
    red = []
    for _ in range(3):  # alternate, take the best of three of each
        ins.append(await timed("insert", n, seq_insert))
        red.append(await timed("redeem", n, seq_redeem))
    rows.append((f"{name} sequential", max(ins), max(red)))
    ins, red = [], []
    for _ in range(1):
        ins.append(await timed("insert", n, lambda: conc(lambda i: one_insert(), n)))
        red.append(await timed("redeem", n, lambda: conc(lambda i: one_redeem(next(pool)), n)))
    rows.append((f"{name} 50 concurrent", max(ins), max(red)))
    await engine.dispose()
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default="postgresql+asyncpg://root@127.0.0.1:5432/test")
    parser.add_argument("--n", type=int, default=400)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results += await run_backend("SQLite", f"sqlite+aiosqlite:///{tmp}/bench.sqlite3", None, args.n)
    schema = "bench_" + uuid.uuid4().hex[:8]
    admin = create_engine(args.postgres)
    try:
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        results += await run_backend("PostgreSQL", args.postgres, schema, args.n)
    except OSError as exc:
        print(f"PostgreSQL skipped: {exc}")
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()
    print(f"{'backend / mode':28} {'insert/s':>10} {'redeem/s':>10} {'ratio':>7}  target <= 3.0x")
    for label, ins, red in results:
        ratio = ins / red
        print(f"{label:28} {ins:10.0f} {red:10.0f} {ratio:6.2f}x  {'ok' if ratio <= 3 else 'MISSED'}")


if __name__ == "__main__":
    asyncio.run(main())
