"""Redeeming a claim code: exactly one award per single-use code, never more than ``max_claims``, one per person."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from claims.codes import parse_code
from claims.context import IssuingContext
from claims.errors import (
    CODE_EXPIRED,
    CODE_INACTIVE,
    CODE_NOT_YET_VALID,
    CODE_USED,
    EVENT_CLOSED,
    INVALID_INPUT,
    UNKNOWN_CODE,
    ClaimError,
)
from claims.models import Award, BadgeClass, ClaimCode, Delivery, Event
from claims.openbadges.issuing import sign_award
from claims.openbadges.status_list import LIST_BITS

CHANNELS = ("web", "telegram", "kiosk", "cli")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


@dataclass(frozen=True)
class Recipient:
    email: str | None = None
    name: str | None = None
    telegram_user_id: int | None = None


@dataclass(frozen=True)
class Redemption:
    award: Award
    created: bool  # False: this person already had this badge for this event, and gets it again


def normalise_email(email: str | None) -> str | None:
    """Trimmed and lower-cased, so one person is one identity; ``invalid_input`` when it isn't an address."""
    if email is None or not email.strip():
        return None
    value = email.strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ClaimError(INVALID_INPUT, field="email")
    return value


def _clean_recipient(recipient: Recipient) -> Recipient:
    name = (recipient.name or "").strip() or None
    if name is not None and len(name) > 200:
        raise ClaimError(INVALID_INPUT, field="name")
    return Recipient(normalise_email(recipient.email), name, recipient.telegram_user_id)


@dataclass(frozen=True)
class _CodeFacts:
    id: int
    event_id: uuid.UUID
    badge_class_id: uuid.UUID
    validity_days: int | None


async def _existing_award(session: AsyncSession, code: _CodeFacts, recipient: Recipient) -> Award | None:
    who = []
    if recipient.email is not None:
        who.append(Award.recipient_email == recipient.email)
    if recipient.telegram_user_id is not None:
        who.append(Award.telegram_user_id == recipient.telegram_user_id)
    if not who:
        return None
    return await session.scalar(
        select(Award)
        .where(Award.event_id == code.event_id, Award.badge_class_id == code.badge_class_id, or_(*who))
        .order_by(Award.issued_at)
        .limit(1)
    )


async def _take_slot(session: AsyncSession, code_value: str, now: datetime) -> _CodeFacts | None:
    """Count one claim against the code, if it is open and has a slot left, in one conditional UPDATE.

    The WHERE clause is what makes this race-proof: PostgreSQL re-checks it on the locked row after a
    concurrent claim commits, and SQLite runs one writer at a time, so the count can't pass max_claims.
    None when nothing was updated; ``_refusal`` then says why.
    """
    closed = (
        select(Event.id)
        .where(Event.id == ClaimCode.event_id, Event.closed_at.is_not(None), Event.closed_at <= now)
        .exists()
    )
    validity_days = select(BadgeClass.validity_days).where(BadgeClass.id == ClaimCode.badge_class_id).scalar_subquery()
    row = (
        await session.execute(
            update(ClaimCode)
            .where(
                ClaimCode.code == code_value,
                ClaimCode.active.is_(True),
                ClaimCode.claims_count < ClaimCode.max_claims,
                or_(ClaimCode.valid_from.is_(None), ClaimCode.valid_from <= now),
                or_(ClaimCode.valid_until.is_(None), ClaimCode.valid_until > now),
                ~closed,
            )
            .values(claims_count=ClaimCode.claims_count + 1)
            .returning(ClaimCode.id, ClaimCode.event_id, ClaimCode.badge_class_id, validity_days)
            .execution_options(synchronize_session=False)
        )
    ).first()
    return None if row is None else _CodeFacts(*row)


async def _give_slot_back(session: AsyncSession, code_id: int) -> None:
    await session.execute(
        update(ClaimCode).where(ClaimCode.id == code_id).values(claims_count=ClaimCode.claims_count - 1)
        .execution_options(synchronize_session=False)
    )


async def _insert_award(session: AsyncSession, values: dict[str, object]) -> Award | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the new award, or None when a unique key was taken."""
    dialect = (await session.connection()).dialect.name
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(Award).values(**values)
    return (await session.scalars(statement.on_conflict_do_nothing().returning(Award))).first()


async def _refusal(session: AsyncSession, code_value: str, now: datetime) -> tuple[_CodeFacts, ClaimError]:
    """Why the code took no claim: the first rule it breaks, else ``code_used`` (no slot left)."""
    row = (
        await session.execute(
            select(
                ClaimCode.id, ClaimCode.event_id, ClaimCode.badge_class_id, ClaimCode.active, ClaimCode.valid_from,
                ClaimCode.valid_until, Event.closed_at, Event.name, BadgeClass.validity_days,
            )
            .join(Event, Event.id == ClaimCode.event_id)
            .join(BadgeClass, BadgeClass.id == ClaimCode.badge_class_id)
            .where(ClaimCode.code == code_value)
        )
    ).first()
    if row is None:
        raise ClaimError(UNKNOWN_CODE)
    facts = _CodeFacts(row.id, row.event_id, row.badge_class_id, row.validity_days)
    if not row.active:
        return facts, ClaimError(CODE_INACTIVE)
    if row.closed_at is not None and row.closed_at <= now:
        return facts, ClaimError(EVENT_CLOSED, event=row.name)
    if row.valid_from is not None and now < row.valid_from:
        return facts, ClaimError(CODE_NOT_YET_VALID, valid_from=row.valid_from)
    if row.valid_until is not None and now >= row.valid_until:
        return facts, ClaimError(CODE_EXPIRED, valid_until=row.valid_until)
    return facts, ClaimError(CODE_USED)


async def redeem_code(
    session: AsyncSession,
    code_text: str,
    recipient: Recipient,
    now: datetime,
    *,
    channel: str,
    issuing: IssuingContext | None = None,
    deliveries: Sequence[tuple[str, str]] = (),
    language: str = "fr",
) -> Redemption:
    """Turn a claim into an award inside the caller's transaction.

    ``code_text`` is what the person typed or scanned (a code or a claim URL). A new award gets its
    signed documents (when ``issuing`` is given) and its ``deliveries`` (channel, target) queued in the
    same transaction, so an acknowledged claim never lacks either. Raises ClaimError.

    The slot is taken first and the award inserted with ON CONFLICT DO NOTHING: a conflict means this
    person already has the badge (their award is returned and the slot given back) — the unique keys,
    not a look-up beforehand, decide, so two racing claims by one person cannot both win.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    code_value = parse_code(code_text)
    recipient = _clean_recipient(recipient)
    code = await _take_slot(session, code_value, now)
    if code is None:
        facts, refusal = await _refusal(session, code_value, now)
        if refusal.code == CODE_USED:
            # Used up; but if it was this person who used it (a re-scan), they get their award again.
            existing = await _existing_award(session, facts, recipient)
            if existing is not None:
                return Redemption(existing, created=False)
        raise refusal

    for _ in range(20):
        award = await _insert_award(session, dict(
            id=uuid.uuid4(),
            badge_class_id=code.badge_class_id,
            event_id=code.event_id,
            claim_code_id=code.id,
            recipient_email=recipient.email,
            recipient_salt=secrets.token_hex(16),
            recipient_name=recipient.name,
            telegram_user_id=recipient.telegram_user_id,
            channel=channel,
            # Random, not sequential: a list index must not reveal the order of claims (herd privacy).
            status_index=secrets.randbelow(LIST_BITS),
            issued_at=now,
            expires_at=now + timedelta(days=code.validity_days) if code.validity_days else None,
        ))
        if award is not None:
            break
        existing = await _existing_award(session, code, recipient)
        if existing is not None:
            await _give_slot_back(session, code.id)
            return Redemption(existing, created=False)
        # Otherwise the random status index collided with another award's: draw again.
    else:  # pragma: no cover - twenty index collisions in a row in a list of a million bits
        raise RuntimeError("could not allocate a status list index")

    if issuing is not None:
        await sign_award(
            session, award, public_url=issuing.public_url, secret_key=issuing.secret_key,
            ob2_signed=issuing.ob2_signed, now=now,
        )
    for delivery_channel, target in deliveries:
        session.add(
            Delivery(
                award_id=award.id, channel=delivery_channel, target=target, language=language,
                next_attempt_at=now, created_at=now,
            )
        )
    return Redemption(award, created=True)
