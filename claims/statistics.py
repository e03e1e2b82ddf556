"""An event's numbers for its organisers: awards per badge, channel and hour, deliveries waiting or failed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.errors import NOT_FOUND, ClaimError
from claims.models import Award, BadgeClass, ClaimCode, Delivery, Event
from claims.outbox import FAILED, PENDING
from claims.redemption import CHANNELS

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class EventStatistics:
    """Counts as of ``now``; revoked awards count in every total and are also counted apart."""

    total: int
    per_badge: list[tuple[uuid.UUID, str, int]]  # (badge id, badge name, awards); most given first
    per_channel: dict[str, int]  # every channel of claims.redemption.CHANNELS, zero when none
    deliveries_pending: int
    deliveries_failed: int
    revoked: int
    # (start of the hour in UTC, awards issued in it), from the first award's hour to the last's, hours
    # without awards included as zeros so a chart shows the quiet times too.
    per_hour: list[tuple[datetime, int]]


def _hour_of(session: AsyncSession, column: Any) -> Any:
    """The SQL of the UTC hour ``column`` falls in; each backend's own function, so the database groups."""
    if session.get_bind().dialect.name == "postgresql":
        # AT TIME ZONE 'UTC' first: date_trunc on a timestamptz cuts at the session's zone's hours.
        return func.date_trunc(literal_column("'hour'"), column.op("AT TIME ZONE")(literal_column("'UTC'")))
    # SQLite keeps naive UTC text. Literals, not parameters: GROUP BY must repeat the very same expression.
    return func.strftime(literal_column("'%Y-%m-%d %H:00:00'"), column)


def _as_utc_hour(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


async def event_statistics(session: AsyncSession, event_id: uuid.UUID, now: datetime) -> EventStatistics:
    """The event's statistics in three grouped queries, whatever the number of awards."""
    if await session.get(Event, event_id) is None:
        raise ClaimError(NOT_FOUND, what="event", id=str(event_id))
    hour = _hour_of(session, Award.issued_at).label("hour")
    revoked_now = func.count().filter(Award.revoked_at <= now)
    grouped = (
        await session.execute(
            select(Award.badge_class_id, Award.channel, hour, func.count(), revoked_now)
            .where(Award.event_id == event_id, Award.issued_at <= now)
            .group_by(Award.badge_class_id, Award.channel, hour)
        )
    ).all()

    # Badges with codes at the event but nothing given yet are listed too: "0" is worth seeing.
    badges = (
        await session.execute(
            select(BadgeClass.id, BadgeClass.name).where(or_(
                BadgeClass.id.in_(select(ClaimCode.badge_class_id).where(ClaimCode.event_id == event_id)),
                BadgeClass.id.in_(select(Award.badge_class_id).where(Award.event_id == event_id)),
            ))
        )
    ).all()

    # Counted with FILTER rather than a WHERE on status: a status condition lets PostgreSQL, before it has
    # statistics on a fresh table, AND two indexes per award and take seconds; this plan stays linear.
    pending, failed = (
        await session.execute(
            select(func.count().filter(Delivery.status == PENDING), func.count().filter(Delivery.status == FAILED))
            .join(Award, Award.id == Delivery.award_id)
            .where(Award.event_id == event_id)
        )
    ).one()

    per_badge_count: dict[uuid.UUID, int] = {badge_id: 0 for badge_id, _ in badges}
    per_channel = {channel: 0 for channel in CHANNELS}
    per_hour_count: dict[datetime, int] = {}
    total = revoked = 0
    for badge_id, channel, bucket, count, revoked_count in grouped:
        total += count
        revoked += revoked_count
        per_badge_count[badge_id] = per_badge_count.get(badge_id, 0) + count
        per_channel[channel] = per_channel.get(channel, 0) + count
        start = _as_utc_hour(bucket)
        per_hour_count[start] = per_hour_count.get(start, 0) + count
    names = dict(badges)
    per_badge = sorted(((b, names.get(b, ""), n) for b, n in per_badge_count.items()),
                       key=lambda row: (-row[2], row[1], str(row[0])))
    return EventStatistics(
        total=total, per_badge=per_badge, per_channel=per_channel,
        deliveries_pending=pending, deliveries_failed=failed,
        revoked=revoked, per_hour=_continuous(per_hour_count),
    )


def _continuous(counts: dict[datetime, int]) -> list[tuple[datetime, int]]:
    if not counts:
        return []
    hours = []
    current, last = min(counts), max(counts)
    while current <= last:
        hours.append((current, counts.get(current, 0)))
        current += HOUR
    return hours
