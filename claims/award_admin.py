"""An event's awards as an organiser handles them: one page of a search by name, and sending a failed delivery again."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from claims.audit import record
from claims.errors import NOT_FOUND, ClaimError
from claims.models import Award, BadgeClass, Delivery, Event
from claims.outbox import FAILED, PENDING

PER_PAGE = 25
MAX_QUERY_CHARS = 100


@dataclass(frozen=True)
class AwardLine:
    """One award as the console lists it (the e-mail is not shown: the CSV export has it)."""

    id: uuid.UUID
    badge_name: str
    recipient_name: str | None
    channel: str
    issued_at: datetime
    revoked_at: datetime | None
    revocation_reason: str | None
    deliveries_failed: int
    deliveries_pending: int


@dataclass(frozen=True)
class AwardPage:
    lines: list[AwardLine]
    total: int
    page: int
    pages: int


def _like_pattern(query: str) -> str:
    # The person's % and _ are letters to find, not wildcards.
    escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def search_awards(
    session: AsyncSession, event_id: uuid.UUID, *, query: str = "", page: int = 1, per_page: int = PER_PAGE
) -> AwardPage:
    """Page ``page`` (from 1) of the event's awards whose recipient name holds ``query`` (any case), newest first."""
    conditions = [Award.event_id == event_id]
    query = query.strip()[:MAX_QUERY_CHARS]
    if query:
        conditions.append(func.lower(Award.recipient_name).like(_like_pattern(query), escape="\\"))
    total = await session.scalar(select(func.count()).select_from(Award).where(*conditions)) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    failed = func.count(Delivery.id).filter(Delivery.status == FAILED)
    pending = func.count(Delivery.id).filter(Delivery.status == PENDING)
    rows = await session.execute(
        select(Award.id, BadgeClass.name, Award.recipient_name, Award.channel, Award.issued_at, Award.revoked_at,
               Award.revocation_reason, failed, pending)
        .join(BadgeClass, BadgeClass.id == Award.badge_class_id)
        .outerjoin(Delivery, Delivery.award_id == Award.id)
        .where(*conditions)
        .group_by(Award.id, BadgeClass.name)
        .order_by(Award.issued_at.desc(), Award.id)
        .limit(per_page).offset((page - 1) * per_page)
    )
    return AwardPage([AwardLine(*row) for row in rows], total, page, pages)


async def event_award(session: AsyncSession, event: Event, raw_id: str) -> Award:
    """The award ``raw_id`` of this event; one of another event (or issuer) is ``not_found`` like a missing one."""
    try:
        key = uuid.UUID(str(raw_id))
    except ValueError:
        raise ClaimError(NOT_FOUND, what="award") from None
    award = await session.get(Award, key)
    if award is None or award.event_id != event.id:
        raise ClaimError(NOT_FOUND, what="award")
    return award


async def resend_failed_deliveries(session: AsyncSession, award: Award, now: datetime, *, actor: str,
                                   issuer_id: uuid.UUID) -> int:
    """Put the award's failed deliveries back in the outbox, due now with a fresh count of attempts; returns how many.

    An erased person's deliveries were blanked and failed on purpose: they have no target and stay failed.
    """
    result = await session.execute(
        update(Delivery)
        .where(Delivery.award_id == award.id, Delivery.status == FAILED, Delivery.target != "")
        .values(status=PENDING, attempts=0, next_attempt_at=now, last_error=None, lease_owner=None,
                leased_until=None)
        .execution_options(synchronize_session=False)
    )
    count = int(result.rowcount or 0)
    if count:
        record(session, now, actor=actor, action="delivery.resent", subject=str(award.id), issuer_id=issuer_id,
               deliveries=count)
    return count
