"""Telegram update ids already taken, in the database: a webhook update Telegram sends again is handled once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from claims.models import TelegramUpdate

# Telegram gives up redelivering an update after at most a day; ids older than that cannot come back.
KEEP_UPDATES = timedelta(days=1)


def _insert(dialect_insert: Any) -> Any:
    return (dialect_insert(TelegramUpdate).on_conflict_do_nothing(index_elements=["update_id"])
            .returning(TelegramUpdate.update_id))


_INSERT = {"postgresql": _insert(pg_insert), "sqlite": _insert(sqlite_insert)}


async def first_sight(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """True when no process took ``update_id`` before (it is now taken, in the caller's transaction).

    INSERT … ON CONFLICT DO NOTHING: two processes receiving the same update at once both try, one wins,
    and neither waits on a lock held by the other's handling.
    """
    statement = _INSERT[session.get_bind().dialect.name].values(update_id=update_id, received_at=now)
    return (await session.scalars(statement)).first() is not None


async def forget_old_updates(session: AsyncSession, now: datetime, keep: timedelta = KEEP_UPDATES) -> int:
    """Delete the ids taken before ``now - keep``; how many went."""
    result = await session.execute(
        delete(TelegramUpdate).where(TelegramUpdate.received_at < now - keep).execution_options(
            synchronize_session=False)
    )
    return int(result.rowcount or 0)
