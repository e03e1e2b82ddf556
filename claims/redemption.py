"""Redeeming a claim code: exactly one award per single-use code, never more than ``max_claims``, one per person."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from claims.audit import record
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
from claims.models import Award, ClaimCode, Delivery

CHANNELS = ("web", "telegram", "kiosk", "cli")
STATUS_LIST_SIZE = 131_072  # bits; the W3C minimum for herd privacy of a status list
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


def _check_window(code: ClaimCode, now: datetime) -> None:
    if not code.active:
        raise ClaimError(CODE_INACTIVE)
    if code.event.closed_at is not None and code.event.closed_at <= now:
        raise ClaimError(EVENT_CLOSED, event=code.event.name)
    if code.valid_from is not None and now < code.valid_from:
        raise ClaimError(CODE_NOT_YET_VALID, valid_from=code.valid_from)
    if code.valid_until is not None and now >= code.valid_until:
        raise ClaimError(CODE_EXPIRED, valid_until=code.valid_until)


async def _existing_award(session: AsyncSession, code: ClaimCode, recipient: Recipient) -> Award | None:
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


async def _take_slot(session: AsyncSession, code_id: int) -> bool:
    """Count one claim against the code if a slot is left, in one conditional UPDATE.

    The WHERE clause is what makes this race-proof: PostgreSQL re-checks it on the locked row after a
    concurrent claim commits, and SQLite runs one writer at a time, so the count can't pass max_claims.
    """
    result = await session.execute(
        update(ClaimCode)
        .where(ClaimCode.id == code_id, ClaimCode.active.is_(True), ClaimCode.claims_count < ClaimCode.max_claims)
        .values(claims_count=ClaimCode.claims_count + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


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
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    code_value = parse_code(code_text)
    recipient = _clean_recipient(recipient)
    code = await session.scalar(
        select(ClaimCode)
        .where(ClaimCode.code == code_value)
        .options(joinedload(ClaimCode.event), joinedload(ClaimCode.badge_class))
    )
    if code is None:
        raise ClaimError(UNKNOWN_CODE)
    _check_window(code, now)
    existing = await _existing_award(session, code, recipient)
    if existing is not None:
        return Redemption(existing, created=False)

    for _ in range(5):
        award = Award(
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
            status_index=secrets.randbelow(STATUS_LIST_SIZE),
            issued_at=now,
            expires_at=now + timedelta(days=code.badge_class.validity_days) if code.badge_class.validity_days else None,
        )
        try:
            async with session.begin_nested():
                if not await _take_slot(session, code.id):
                    raise ClaimError(CODE_USED)
                session.add(award)
                await session.flush()
        except ClaimError:
            # A concurrent claim by this same person may have taken the last slot: give them theirs.
            existing = await _existing_award(session, code, recipient)
            if existing is not None:
                return Redemption(existing, created=False)
            raise
        except IntegrityError:
            # Either this person's concurrent claim won (their award is now visible), or the random
            # status index collided with another award's; the savepoint undid our slot either way.
            existing = await _existing_award(session, code, recipient)
            if existing is not None:
                return Redemption(existing, created=False)
            continue
        break
    else:  # pragma: no cover - five index collisions in a row among 131072 slots
        raise RuntimeError("could not allocate a status list index")

    if issuing is not None:
        from claims.openbadges.issuing import sign_award

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
    record(session, now, actor=channel, action="award.issued", subject=str(award.id), code_id=code.id)
    return Redemption(award, created=True)
