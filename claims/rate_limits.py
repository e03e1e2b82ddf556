"""Rate limits counted in the database (rate_events), so every process sharing it enforces the same limit."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.errors import RATE_LIMITED, ClaimError
from claims.models import RateEvent


@dataclass(frozen=True)
class RateRule:
    """At most ``limit`` events of ``scope`` per key within any sliding ``window``."""

    scope: str
    limit: int
    window: timedelta


async def check_rate(session: AsyncSession, rule: RateRule, key: str, now: datetime) -> None:
    """Raise ``ClaimError(RATE_LIMITED, retry_after=seconds, minutes=…)`` when ``key`` has used up its events.

    ``key`` is whatever the edge chose to count by (a keyed hash of a client address, a kiosk id); the
    caller hashes personal data before it gets here, since the table is not personal data to keep.
    """
    since = now - rule.window
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(RateEvent.at)).where(
                RateEvent.scope == rule.scope, RateEvent.key == key, RateEvent.at > since
            )
        )
    ).one()
    if count < rule.limit:
        return
    # The oldest of the last events leaves the window first: then one more attempt is allowed.
    # With more rows than the limit (two processes counted at once), waiting for the oldest is still
    # a fair, if early, answer: the next refusal gives a new Retry-After.
    wait = max(1, math.ceil(((oldest or now) + rule.window - now).total_seconds()))
    raise ClaimError(RATE_LIMITED, retry_after=wait, minutes=math.ceil(wait / 60))


async def count_event(session: AsyncSession, rule: RateRule, key: str, now: datetime) -> None:
    """Record one event of ``rule.scope`` for ``key``, and forget the scope's events the window has passed."""
    # Deleting here keeps the table one window's worth of wrong attempts, however busy it gets.
    await forget_old_events(session, rule, now)
    session.add(RateEvent(scope=rule.scope, key=key, at=now))


async def forget_old_events(session: AsyncSession, rule: RateRule, now: datetime) -> int:
    """Delete the events of ``rule.scope`` that the window has passed (they never count again)."""
    result = await session.execute(
        delete(RateEvent).where(RateEvent.scope == rule.scope, RateEvent.at <= now - rule.window)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
