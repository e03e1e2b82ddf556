"""What the public pages show of one award: its badge, event and issuer, read in one query, never the e-mail."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.errors import NOT_FOUND, ClaimError
from claims.models import Award, BadgeClass, Event, Issuer


@dataclass(frozen=True)
class AwardView:
    id: uuid.UUID
    recipient_name: str | None  # the display name the person chose; the e-mail is deliberately not here
    issued_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    revocation_reason: str | None
    badge_id: uuid.UUID
    badge_name: str
    badge_description: str
    badge_criteria: str
    badge_image_mime: str
    event_name: str
    event_place: str | None
    event_starts_at: datetime
    event_ends_at: datetime
    event_timezone: str
    issuer_name: str
    issuer_url: str

    def status(self, now: datetime) -> str:
        """``revoked``, ``expired`` or ``valid``: revocation wins, since it is the issuer's last word."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "valid"

    @property
    def image_extension(self) -> str:
        return "svg" if self.badge_image_mime == "image/svg+xml" else "png"


def parse_award_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ClaimError(NOT_FOUND, what="award", id=raw[:64]) from None


async def load_award_view(session: AsyncSession, award_id: uuid.UUID) -> AwardView:
    row = (
        await session.execute(
            select(
                Award.id, Award.recipient_name, Award.issued_at, Award.expires_at, Award.revoked_at,
                Award.revocation_reason, BadgeClass.id, BadgeClass.name, BadgeClass.description, BadgeClass.criteria,
                BadgeClass.image_mime, Event.name, Event.place, Event.starts_at, Event.ends_at, Event.timezone,
                Issuer.name, Issuer.url,
            )
            .join(BadgeClass, BadgeClass.id == Award.badge_class_id)
            .join(Event, Event.id == Award.event_id)
            .join(Issuer, Issuer.id == BadgeClass.issuer_id)
            .where(Award.id == award_id)
        )
    ).first()
    if row is None:
        raise ClaimError(NOT_FOUND, what="award", id=str(award_id))
    return AwardView(*row)
