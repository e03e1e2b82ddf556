"""An issuer's events as the console runs them: listing them, closing one."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.audit import record
from claims.models import Event


async def list_events(session: AsyncSession, issuer_id: uuid.UUID) -> list[Event]:
    """The issuer's events, the latest to start first."""
    rows = await session.scalars(
        select(Event).where(Event.issuer_id == issuer_id).order_by(Event.starts_at.desc(), Event.id)
    )
    return list(rows)


def close_event(session: AsyncSession, event: Event, now: datetime, *, actor: str) -> bool:
    """Stop handing out the event's badges from ``now``: its codes are refused (``event_closed``), its awards stay
    valid. False when it was closed already (the first date stays)."""
    if event.closed_at is not None:
        return False
    event.closed_at = now
    record(session, now, actor=actor, action="event.closed", subject=str(event.id), issuer_id=event.issuer_id)
    return True
