"""What a delivery shows of one award (names, verify link, baked image), read in one short transaction."""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from claims.awards import baked_award_image, get_award
from claims.context import IssuingContext
from claims.errors import ClaimError
from claims.models import BadgeClass, Event, Issuer
from claims.outbox import DeliveryJob, PermanentFailure


@dataclass(frozen=True)
class AwardFacts:
    """Read before any network I/O, so a sender never holds a transaction open while it talks to a server."""

    award_id: uuid.UUID
    recipient_name: str | None
    badge: str
    issuer: str
    event: str
    verify_url: str
    image_mime: str
    image: bytes
    revoked: bool


async def load_award_facts(session: AsyncSession, award_id: uuid.UUID, issuing: IssuingContext) -> AwardFacts:
    """The award's names and its baked image; ClaimError ``not_found`` when it was erased meanwhile."""
    award = await get_award(session, award_id)
    names = (
        await session.execute(
            select(BadgeClass.name, Issuer.name, Event.name)
            .join(Issuer, Issuer.id == BadgeClass.issuer_id)
            .join(Event, Event.id == award.event_id)
            .where(BadgeClass.id == award.badge_class_id)
        )
    ).one()
    mime, image = await baked_award_image(session, award_id, issuing)
    return AwardFacts(award.id, award.recipient_name, names[0], names[1], names[2],
                      issuing.urls.award_page(award.id), mime, image, award.revoked_at is not None)



async def facts_to_deliver(
    sessionmaker: async_sessionmaker[AsyncSession], delivery: DeliveryJob, issuing: IssuingContext
) -> AwardFacts:
    """What a sender sends, read in a transaction of its own that is closed before any network I/O (a slow
    server never holds a transaction, or SQLite's lock); PermanentFailure when the award was erased or
    revoked since the claim."""
    try:
        async with sessionmaker() as session:
            facts = await load_award_facts(session, delivery.award_id, issuing)
    except ClaimError as exc:
        raise PermanentFailure(f"award {delivery.award_id}: {exc.code}") from None
    if facts.revoked:
        raise PermanentFailure(f"award {delivery.award_id} was revoked before it was sent")
    return facts


def image_filename(badge: str, mime: str) -> str:
    """An ASCII file name for the baked image from the badge's name (``explorateur-numerique.png``)."""
    ascii_name = unicodedata.normalize("NFKD", badge).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "badge"
    return f"{slug}.{'svg' if mime == 'image/svg+xml' else 'png'}"
