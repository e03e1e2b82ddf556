"""Redeeming a claim code: exactly one award per single-use code, never more than ``max_claims``, one per person."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Sequence

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from claims.codes import parse_code
from claims.awards import signed_documents
from claims.context import IssuingContext, SigningMaterial
from claims.errors import (
    CODE_EXPIRED,
    CODE_INACTIVE,
    CODE_NOT_YET_VALID,
    CODE_USED,
    DISPLAY_ONLY,
    EVENT_CLOSED,
    INVALID_INPUT,
    UNKNOWN_CODE,
    ClaimError,
)
from claims.models import Award, BadgeClass, ClaimCode, Delivery, Event, Issuer, UTCDateTime
from claims.openbadges.status_list import LIST_BITS

CHANNELS = ("web", "telegram", "kiosk", "cli")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
# What a client may send as its idempotency key: an HTTP header value or a form's hidden field.
_NONCE = re.compile(r"^[A-Za-z0-9._:~+/=-]{8,64}$")


@dataclass(frozen=True)
class Recipient:
    email: str | None = None
    name: str | None = None
    telegram_user_id: int | None = None


@dataclass(frozen=True)
class Redemption:
    award: Award
    created: bool  # False: this person already had this badge for this event, and gets it again
    # What signed a new award (its badge image included), for a caller that bakes it at once; None on a repeat.
    material: SigningMaterial | None = None


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


def _clean_nonce(nonce: str | None) -> str | None:
    if nonce is None or nonce == "":
        return None
    if not _NONCE.match(nonce):
        raise ClaimError(INVALID_INPUT, field="nonce")
    return nonce


@dataclass(frozen=True)
class _CodeFacts:
    id: int
    event_id: uuid.UUID
    badge_class_id: uuid.UUID
    validity_days: int | None
    badge_revision: int
    issuer_revision: int


async def _existing_award(
    session: AsyncSession, code: _CodeFacts, recipient: Recipient, nonce: str | None
) -> Award | None:
    """This person's award of this badge at this event: by e-mail, Telegram account, or the client's key."""
    who = []
    if recipient.email is not None:
        who.append(Award.recipient_email == recipient.email)
    if recipient.telegram_user_id is not None:
        who.append(Award.telegram_user_id == recipient.telegram_user_id)
    if nonce is not None:
        who.append((Award.claim_code_id == code.id) & (Award.client_nonce == nonce))
    if not who:
        return None
    return await session.scalar(
        select(Award)
        .where(Award.event_id == code.event_id, Award.badge_class_id == code.badge_class_id, or_(*who))
        .order_by(Award.issued_at)
        .limit(1)
    )


def _slot_statement(through_token: bool) -> Any:
    """The conditional UPDATE that takes a slot, built once per variant with the code and the clock as
    parameters: building and keying it anew on every claim cost more than running it."""
    now = bindparam("clock", type_=UTCDateTime())
    closed = (
        select(Event.id)
        .where(Event.id == ClaimCode.event_id, Event.closed_at.is_not(None), Event.closed_at <= now)
        .exists()
    )
    badge = select(BadgeClass).where(BadgeClass.id == ClaimCode.badge_class_id).correlate(ClaimCode)
    validity_days = badge.with_only_columns(BadgeClass.validity_days).scalar_subquery()
    badge_revision = badge.with_only_columns(BadgeClass.revision).scalar_subquery()
    # No JOIN: SQLite's RETURNING names columns unqualified, so each subquery reads one table only.
    issuer_id = badge.with_only_columns(BadgeClass.issuer_id).scalar_subquery()
    issuer_revision = select(Issuer.revision).where(Issuer.id == issuer_id).scalar_subquery()
    conditions = [
        ClaimCode.code == bindparam("code_value"),
        ClaimCode.active.is_(True),
        ClaimCode.claims_count < ClaimCode.max_claims,
        or_(ClaimCode.valid_from.is_(None), ClaimCode.valid_from <= now),
        or_(ClaimCode.valid_until.is_(None), ClaimCode.valid_until > now),
        ~closed,
    ]
    if not through_token:
        conditions.append(ClaimCode.display_only.is_(False))
    return (
        update(ClaimCode)
        .where(*conditions)
        .values(claims_count=ClaimCode.claims_count + 1)
        .returning(ClaimCode.id, ClaimCode.event_id, ClaimCode.badge_class_id, validity_days, badge_revision,
                   issuer_revision)
        .execution_options(synchronize_session=False)
    )


_SLOT = {through_token: _slot_statement(through_token) for through_token in (False, True)}


async def _take_slot(session: AsyncSession, code_value: str, now: datetime, through_token: bool) -> _CodeFacts | None:
    """Count one claim against the code, if it is open and has a slot left, in one conditional UPDATE.

    The WHERE clause is what makes this race-proof: PostgreSQL re-checks it on the locked row after a
    concurrent claim commits, and SQLite runs one writer at a time, so the count can't pass max_claims.
    The same statement returns what signing needs (the revisions that key the cached material), so a
    claim costs this UPDATE and one INSERT. None when nothing was updated; ``_refusal`` then says why.
    """
    row = (await session.execute(_SLOT[through_token], {"code_value": code_value, "clock": now})).first()
    return None if row is None else _CodeFacts(*row)


async def _give_slot_back(session: AsyncSession, code_id: int) -> None:
    await session.execute(
        update(ClaimCode).where(ClaimCode.id == code_id).values(claims_count=ClaimCode.claims_count - 1)
        .execution_options(synchronize_session=False)
    )


_AWARD_COLUMNS = (
    "id", "badge_class_id", "event_id", "claim_code_id", "recipient_email", "recipient_salt", "recipient_name",
    "telegram_user_id", "channel", "client_nonce", "status_index", "issued_at", "expires_at",
)


def _award_insert(dialect_insert: Any) -> Any:
    columns = (*_AWARD_COLUMNS, "ob3_credential", "ob2_signed")
    return (dialect_insert(Award).values({c: bindparam(f"v_{c}") for c in columns})
            .on_conflict_do_nothing().returning(Award))


# Built once: an INSERT with every column bound costs nothing to reuse, and much to build per claim.
_INSERT_AWARD = {"postgresql": _award_insert(pg_insert), "sqlite": _award_insert(sqlite_insert)}


async def _insert_award(session: AsyncSession, values: dict[str, object]) -> Award | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the new award, or None when a unique key was taken."""
    dialect = session.get_bind().dialect.name
    params = {f"v_{name}": value for name, value in values.items()}
    return (await session.scalars(_INSERT_AWARD[dialect], params)).first()


def _broken_rule(row: Any, now: datetime, through_token: bool) -> ClaimError | None:
    """The first rule of the code that a claim breaks now, short of its count; None when it is open."""
    if row.display_only and not through_token:
        return ClaimError(DISPLAY_ONLY)
    if not row.active:
        return ClaimError(CODE_INACTIVE)
    if row.closed_at is not None and row.closed_at <= now:
        return ClaimError(EVENT_CLOSED, event=row.name)
    if row.valid_from is not None and now < row.valid_from:
        return ClaimError(CODE_NOT_YET_VALID, valid_from=row.valid_from, timezone=row.timezone)
    if row.valid_until is not None and now >= row.valid_until:
        return ClaimError(CODE_EXPIRED, valid_until=row.valid_until, timezone=row.timezone)
    return None


async def _refusal(
    session: AsyncSession, code_value: str, now: datetime, through_token: bool
) -> tuple[_CodeFacts, ClaimError]:
    """Why the code took no claim: the first rule it breaks, else ``code_used`` (no slot left)."""
    row = (
        await session.execute(
            select(
                ClaimCode.id, ClaimCode.event_id, ClaimCode.badge_class_id, ClaimCode.active, ClaimCode.valid_from,
                ClaimCode.valid_until, ClaimCode.display_only, Event.closed_at, Event.name, Event.timezone,
                BadgeClass.validity_days,
            )
            .join(Event, Event.id == ClaimCode.event_id)
            .join(BadgeClass, BadgeClass.id == ClaimCode.badge_class_id)
            .where(ClaimCode.code == code_value)
        )
    ).first()
    if row is None:
        raise ClaimError(UNKNOWN_CODE)
    facts = _CodeFacts(row.id, row.event_id, row.badge_class_id, row.validity_days, 0, 0)
    return facts, _broken_rule(row, now, through_token) or ClaimError(CODE_USED)


@dataclass(frozen=True)
class CodePreview:
    """What a claim of a code would give, for the page a person sees before claiming (no image bytes)."""

    code: str
    badge_id: uuid.UUID
    badge_name: str
    badge_description: str
    badge_image_mime: str
    event_id: uuid.UUID
    event_name: str
    event_place: str | None
    event_starts_at: datetime
    event_ends_at: datetime
    event_timezone: str
    issuer_name: str
    issuer_url: str


async def preview_code(
    session: AsyncSession, code_text: str, now: datetime, *, through_display_token: bool = False
) -> CodePreview:
    """The badge and event a claim of ``code_text`` would give now; raises the ClaimError a claim would.

    Only a look: the claim itself may still be refused (the last slot taken meanwhile), and a person who
    already holds the award is told ``code_used`` here where ``redeem_code`` would give it back to them.
    """
    code_value = parse_code(code_text)
    row = (
        await session.execute(
            select(
                ClaimCode.code, ClaimCode.active, ClaimCode.valid_from, ClaimCode.valid_until, ClaimCode.display_only,
                ClaimCode.claims_count, ClaimCode.max_claims, Event.closed_at, Event.name, Event.timezone,
                Event.id.label("event_id"), Event.place, Event.starts_at, Event.ends_at,
                BadgeClass.id.label("badge_id"), BadgeClass.name.label("badge_name"), BadgeClass.description,
                BadgeClass.image_mime, Issuer.name.label("issuer_name"), Issuer.url.label("issuer_url"),
            )
            .join(Event, Event.id == ClaimCode.event_id)
            .join(BadgeClass, BadgeClass.id == ClaimCode.badge_class_id)
            .join(Issuer, Issuer.id == BadgeClass.issuer_id)
            .where(ClaimCode.code == code_value)
        )
    ).first()
    if row is None:
        raise ClaimError(UNKNOWN_CODE)
    refusal = _broken_rule(row, now, through_display_token)
    if refusal is None and row.claims_count >= row.max_claims:
        refusal = ClaimError(CODE_USED)
    if refusal is not None:
        raise refusal
    return CodePreview(
        code=row.code, badge_id=row.badge_id, badge_name=row.badge_name, badge_description=row.description,
        badge_image_mime=row.image_mime, event_id=row.event_id, event_name=row.name, event_place=row.place,
        event_starts_at=row.starts_at, event_ends_at=row.ends_at, event_timezone=row.timezone,
        issuer_name=row.issuer_name, issuer_url=row.issuer_url,
    )


async def redeem_code(
    session: AsyncSession,
    code_text: str,
    recipient: Recipient,
    now: datetime,
    *,
    channel: str,
    issuing: IssuingContext,
    nonce: str | None = None,
    through_display_token: bool = False,
    deliveries: Sequence[tuple[str, str]] = (),
    language: str = "fr",
) -> Redemption:
    """Turn a claim into an award inside the caller's transaction.

    ``code_text`` is what the person typed or scanned (a code or a claim URL). ``nonce`` is the client's
    idempotency key: a retry with the same key returns the same award, even for an anonymous person.
    ``through_display_token`` is set only by an edge that opened a valid rotating display token; a
    display-only code is refused otherwise. A new award is signed before it is inserted (one INSERT, with
    its documents) and its ``deliveries`` (channel, target) are queued in the same transaction, so an
    acknowledged claim never lacks either. Raises ClaimError; nothing is written when it does (the
    caller's transaction rolls back).

    Whoever already has this badge for this event gets their award again whatever the code's state now
    (used up, expired, closed): only an unknown code is refused outright. The slot is taken first and
    the award inserted with ON CONFLICT DO NOTHING, so the unique keys, not a look-up beforehand, decide
    between two racing claims by one person.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    code_value = parse_code(code_text)
    recipient = _clean_recipient(recipient)
    nonce = _clean_nonce(nonce)
    code = await _take_slot(session, code_value, now, through_display_token)
    if code is None:
        facts, refusal = await _refusal(session, code_value, now, through_display_token)
        existing = await _existing_award(session, facts, recipient, nonce)
        if existing is not None:
            return Redemption(existing, created=False)
        raise refusal

    material = await issuing.cache.material(
        session, code.badge_class_id, code.badge_revision, code.issuer_revision, issuing.secret_key
    )
    for _ in range(20):
        draft = Award(
            id=uuid.uuid4(),
            badge_class_id=code.badge_class_id,
            event_id=code.event_id,
            claim_code_id=code.id,
            recipient_email=recipient.email,
            recipient_salt=secrets.token_hex(16),
            recipient_name=recipient.name,
            telegram_user_id=recipient.telegram_user_id,
            channel=channel,
            client_nonce=nonce,
            # Random, not sequential: a list index must not reveal the order of claims (herd privacy).
            status_index=secrets.randbelow(LIST_BITS),
            issued_at=now,
            expires_at=now + timedelta(days=code.validity_days) if code.validity_days else None,
            revoked_at=None,
            revocation_reason=None,
        )
        values = {column: getattr(draft, column) for column in _AWARD_COLUMNS}
        values.update(signed_documents(draft, material, issuing, now))
        award = await _insert_award(session, values)
        if award is not None:
            break
        existing = await _existing_award(session, code, recipient, nonce)
        if existing is not None:
            await _give_slot_back(session, code.id)
            return Redemption(existing, created=False)
        # Otherwise the random status index collided with another award's: draw again (and sign again,
        # since the index is in the signed credential).
    else:  # pragma: no cover - twenty index collisions in a row in a list of a million bits
        raise RuntimeError("could not allocate a status list index")

    if deliveries:
        # A core INSERT, not session.add: the ORM's flush bookkeeping cost more than the row itself.
        await session.execute(insert(Delivery), [
            dict(award_id=award.id, channel=delivery_channel, target=target, language=language, status="pending",
                 attempts=0, next_attempt_at=now, created_at=now)
            for delivery_channel, target in deliveries
        ])
    return Redemption(award, created=True, material=material)


