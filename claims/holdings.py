"""What one Telegram account already holds: its awards, for /mybadges and for a code sent a second time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.models import Award, BadgeClass, ClaimCode, Event


@dataclass(frozen=True)
class Holding:
    """An award as its holder sees it in a reply."""

    award_id: uuid.UUID
    badge_name: str
    event_name: str
    event_timezone: str
    issued_at: datetime
    revoked: bool


def _holdings() -> Select[Any]:
    return (
        select(Award.id, BadgeClass.name, Event.name, Event.timezone, Award.issued_at, Award.revoked_at)
        .join(BadgeClass, BadgeClass.id == Award.badge_class_id)
        .join(Event, Event.id == Award.event_id)
    )


def _holding(row: Any) -> Holding:
    award_id, badge, event, zone, issued, revoked = row
    return Holding(award_id, badge, event, zone, issued, revoked is not None)


async def holdings_of(session: AsyncSession, telegram_user_id: int) -> list[Holding]:
    """The account's awards, newest first (revoked ones too: the person should know)."""
    rows = await session.execute(
        _holdings().where(Award.telegram_user_id == telegram_user_id).order_by(Award.issued_at.desc(), Award.id)
    )
    return [_holding(row) for row in rows]


async def holding(session: AsyncSession, award_id: uuid.UUID) -> Holding:
    """One award, named for a reply."""
    return _holding((await session.execute(_holdings().where(Award.id == award_id))).one())


async def held_award_for_code(session: AsyncSession, code: str, telegram_user_id: int) -> uuid.UUID | None:
    """The id of the account's award of the badge and event that ``code`` (canonical) gives, if any.

    One person gets one award per badge per event, so this is what a repeat claim returns; looking it up
    first lets the bot answer "already yours" without asking for an e-mail again.
    """
    return await session.scalar(
        select(Award.id)
        .join(ClaimCode, (ClaimCode.event_id == Award.event_id) & (ClaimCode.badge_class_id == Award.badge_class_id))
        .where(ClaimCode.code == code, Award.telegram_user_id == telegram_user_id)
        .limit(1)
    )
