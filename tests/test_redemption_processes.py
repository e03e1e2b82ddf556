"""On PostgreSQL, claims spread over two OS processes keep the same guarantees as in one."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from claims.models import Award
from conftest import Database, make_world
from test_redemption import make_codes

WORKER = Path(__file__).with_name("redeem_worker.py")


async def run_two_processes(db: Database, code: str, per_process: int, now) -> Counter[str]:  # type: ignore[no-untyped-def]
    start_at = time.time() + 3
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, str(WORKER), db.url, db.schema or "", code, str(i * per_process), str(per_process),
            str(start_at), now.isoformat(), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        for i in range(2)
    ]
    outcomes: Counter[str] = Counter()
    for proc in procs:
        out, err = await proc.communicate()
        assert proc.returncode == 0, err.decode()
        outcomes.update(json.loads(out))
    return outcomes


async def count_awards(db: Database) -> int:
    async with db.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(Award)) or 0


async def test_single_use_code_over_two_processes_gives_one_award(postgres_db: Database, now):
    world = await make_world(postgres_db, now)
    [code] = await make_codes(postgres_db, world, now, count=1)
    outcomes = await run_two_processes(postgres_db, code, 100, now)
    assert outcomes == Counter({"created": 1, "code_used": 199})
    assert await count_awards(postgres_db) == 1


async def test_multi_use_code_over_two_processes_stops_at_max_claims(postgres_db: Database, now):
    world = await make_world(postgres_db, now)
    [code] = await make_codes(postgres_db, world, now, max_claims=50)
    outcomes = await run_two_processes(postgres_db, code, 150, now)
    assert outcomes == Counter({"created": 50, "code_used": 250})
    assert await count_awards(postgres_db) == 50
