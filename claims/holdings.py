"""What one Telegram account already holds: its awards, for /mybadges and for a code sent a second time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.models import Award, BadgeClass, ClaimCode, Event


@dataclass(frozen=True)
class Holding:
    award_id: uuid.UUID
    badge_name: str
    event_name: str
    event_timezone: str
    issued_at: datetime
    revoked: bool


async def holdings_of(session: AsyncSession, telegram_user_id: int) -> list[Holding]:
    """The account's awards, newest first (revoked ones too: the person should know)."""
    rows = await session.execute(
        select(Award.id, BadgeClass.name, Event.name, Event.timezone, Award.issued_at, Award.revoked_at)
        .join(BadgeClass, BadgeClass.id == Award.badge_class_id)
        .join(Event, Event.id == Award.event_id)
        .where(Award.telegram_user_id == telegram_user_id)
        .order_by(Award.issued_at.desc(), Award.id)
    )
    return [Holding(award_id, badge, event, zone, issued, revoked is not None)
            for award_id, badge, event, zone, issued, revoked in rows]


async def held_award_for_code(session: AsyncSession, code: str, telegram_user_id: int) -> Award | None:
    """The account's award of the badge and event that ``code`` (canonical) gives, if it has one already.

    One person gets one award per badge per event, so this is what a repeat claim returns; looking it up
    first lets the bot answer "already yours" without asking for an e-mail again.
    """
    return await session.scalar(
        select(Award)
        .join(ClaimCode, (ClaimCode.event_id == Award.event_id) & (ClaimCode.badge_class_id == Award.badge_class_id))
        .where(ClaimCode.code == code, Award.telegram_user_id == telegram_user_id)
        .limit(1)
    )
