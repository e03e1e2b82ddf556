"""A separate OS process that fires concurrent claims at a database (used by the multi-process test)."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from badgeclaim.database import create_engine, create_sessionmaker
from claims.errors import ClaimError
from claims.redemption import Recipient, redeem_code
from conftest import issuing_context


def engine_for(url: str, schema: str) -> AsyncEngine:
    return create_engine(url, connect_args={"server_settings": {"search_path": schema}})


async def main(url: str, schema: str, code: str, first: int, count: int, start_at: float) -> None:
    engine = engine_for(url, schema)
    sessions = create_sessionmaker(engine)
    now = datetime.fromisoformat(sys.argv[7])
    issuing = issuing_context()

    async def one(i: int) -> str:
        try:
            async with sessions.begin() as session:
                result = await redeem_code(session, code, Recipient(email=f"p{i}@example.org"), now, channel="web",
                                           issuing=issuing)
                return "created" if result.created else "again"
        except ClaimError as exc:
            return exc.code

    async with engine.connect():  # open a connection before the start line so both processes race
        pass
    time.sleep(max(0.0, start_at - time.time()))
    results = await asyncio.gather(*(one(i) for i in range(first, first + count)))
    await engine.dispose()
    print(json.dumps(results))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])))
