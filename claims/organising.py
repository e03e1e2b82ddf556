"""What an organiser sets up: the issuer, badge classes, events and batches of claim codes."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone
from typing import Callable, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from claims.audit import record
from claims.codes import generate_code
from claims.errors import INVALID_INPUT, NOT_FOUND, ClaimError
from claims.images import ValidatedImage, validate_image
from claims.keyring import generate_issuer_keys
from claims.models import Award, BadgeClass, ClaimCode, Event, Issuer
from claims.openbadges.urls import BadgeUrls
from claims.redemption import normalise_email

Row = TypeVar("Row", Issuer, BadgeClass, Event, Award)

MAX_CODES_PER_BATCH = 100_000
TARGETS = ("web", "telegram")
# Codes with no window of their own: open an hour before the event, and a day after it ends for the
# people who claim on the way home.
OPENS_BEFORE = timedelta(hours=1)
CLOSES_AFTER = timedelta(days=1)


# Dates outside these bounds are typos (0001-01-01, 9999): refused before any arithmetic can overflow.
EARLIEST = datetime(2000, 1, 1, tzinfo=dt_timezone.utc)
LATEST = datetime(2200, 1, 1, tzinfo=dt_timezone.utc)


def zone(name: str, field: str = "timezone") -> ZoneInfo:
    """The IANA time zone ``name`` (e.g. Europe/Paris), else ``invalid_input`` naming ``field``."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ClaimError(INVALID_INPUT, field=field, value=name) from None


def in_zone(value: datetime, timezone: str, field: str) -> datetime:
    """``value`` as an aware datetime: one typed without an offset is read in ``timezone``, never the machine's.
    Refused (``invalid_input`` naming ``field``) when it is outside the years a real event can have."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=zone(timezone))
    try:
        if not EARLIEST <= aware <= LATEST:
            raise ClaimError(INVALID_INPUT, field=field)
    except OverflowError:
        raise ClaimError(INVALID_INPUT, field=field) from None
    return aware


def _text(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value or len(value) > limit:
        # The reason is said after the field's name, so an empty form field is not just "invalid".
        raise ClaimError(INVALID_INPUT, field=field, reason="required" if not value else "too_long")
    return value


def _url(value: str, field: str) -> str:
    value = _text(value, field, 500)
    if not value.startswith(("https://", "http://")):
        raise ClaimError(INVALID_INPUT, field=field)
    return value


def _issuer_fields(name: str, url: str, email: str, image: ValidatedImage | None) -> dict[str, object]:
    fields: dict[str, object] = dict(
        name=_text(name, "issuer_name", 200), url=_url(url, "issuer_url"),
        email=normalise_email(email) or _text("", "issuer_email", 1),
    )
    if image is not None:
        fields.update(image=image.data, image_mime=image.mime)
    return fields


def _image_details(image: ValidatedImage | None) -> dict[str, object]:
    """For the audit entry: what making an uploaded image safe removed from it."""
    return {"image_removed": list(image.removed)} if image is not None and image.removed else {}


async def create_issuer(
    session: AsyncSession, *, name: str, url: str, email: str, now: datetime, image: bytes | None = None
) -> Issuer:
    validated = validate_image(image) if image is not None else None
    issuer = Issuer(id=uuid.uuid4(), created_at=now, **_issuer_fields(name, url, email, validated))
    session.add(issuer)
    await session.flush()  # rows of different tables must reach the database parent first
    record(session, now, actor="organiser", action="issuer.created", subject=str(issuer.id),
           **_image_details(validated))
    return issuer


def update_issuer(
    session: AsyncSession, issuer: Issuer, *, now: datetime, name: str | None = None, url: str | None = None,
    email: str | None = None, image: bytes | None = None, actor: str = "organiser",
) -> None:
    """Change the details given, keeping the others; the same checks as at creation."""
    # The stored image was validated when it came in: only a new one is checked.
    validated = validate_image(image) if image is not None else None
    values = _issuer_fields(name or issuer.name, url or issuer.url, email or issuer.email, validated)
    for key, value in values.items():
        setattr(issuer, key, value)
    issuer.revision += 1  # every process's cached copy of the issuer is stale from now on
    record(session, now, actor=actor, action="issuer.updated", subject=str(issuer.id), issuer_id=issuer.id,
           **_image_details(validated))


async def set_up_issuer(
    session: AsyncSession, *, secret_key: str, now: datetime, name: str | None = None, url: str | None = None,
    email: str | None = None, image: bytes | None = None,
) -> tuple[Issuer, bool]:
    """The installation's issuer: made with its signing keys the first time (name, URL and e-mail needed),
    its details updated with what is given later. Returns (issuer, created)."""
    issuer = await session.scalar(select(Issuer).order_by(Issuer.created_at).limit(1))
    if issuer is None:
        if not (name and url and email):
            raise ClaimError(INVALID_INPUT, field="issuer_details")
        issuer = await create_issuer(session, name=name, url=url, email=email, image=image, now=now)
        session.add_all(generate_issuer_keys(issuer.id, secret_key, now))
        return issuer, True
    update_issuer(session, issuer, name=name, url=url, email=email, image=image, now=now)
    return issuer, False


async def get_issuer(session: AsyncSession) -> Issuer:
    """The issuer of this installation (the first one made by ``init``)."""
    issuer = await session.scalar(select(Issuer).order_by(Issuer.created_at).limit(1))
    if issuer is None:
        raise ClaimError(NOT_FOUND, what="issuer")
    return issuer


async def create_badge_class(
    session: AsyncSession, issuer: Issuer, *, name: str, description: str, criteria: str, image: bytes,
    now: datetime, validity_days: int | None = None, actor: str = "organiser",
) -> BadgeClass:
    validated = validate_image(image)
    badge = BadgeClass(id=uuid.uuid4(), issuer_id=issuer.id, image=validated.data, image_mime=validated.mime,
                       created_at=now, **_badge_fields(name, description, criteria, validity_days))
    session.add(badge)
    await session.flush()  # rows of different tables must reach the database parent first
    record(session, now, actor=actor, action="badge.created", subject=str(badge.id), issuer_id=issuer.id,
           **_image_details(validated))
    return badge


def _badge_fields(name: str, description: str, criteria: str, validity_days: int | None) -> dict[str, object]:
    if validity_days is not None and validity_days < 1:
        raise ClaimError(INVALID_INPUT, field="validity_days")
    return dict(name=_text(name, "name", 200), description=_text(description, "description", 5000),
                criteria=_text(criteria, "criteria", 5000), validity_days=validity_days)


def update_badge_class(
    session: AsyncSession, badge: BadgeClass, *, name: str, description: str, criteria: str,
    validity_days: int | None, now: datetime, actor: str, image: bytes | None = None,
) -> None:
    """Change a badge class (a new image only when given), with the checks of creation. Awards already
    issued keep what they were baked with; the published class shows the new text from now on."""
    validated = validate_image(image) if image is not None else None
    for key, value in _badge_fields(name, description, criteria, validity_days).items():
        setattr(badge, key, value)
    if validated is not None:
        badge.image, badge.image_mime = validated.data, validated.mime
    badge.revision += 1  # every process's cached copy of the class (image included) is stale from now on
    record(session, now, actor=actor, action="badge.updated", subject=str(badge.id), issuer_id=badge.issuer_id,
           **_image_details(validated))


async def create_event(
    session: AsyncSession, issuer: Issuer, *, name: str, starts_at: datetime, ends_at: datetime, now: datetime,
    place: str | None = None, timezone: str = "Europe/Paris",
) -> Event:
    """An event; ``starts_at``/``ends_at`` without an offset are read in its ``timezone`` (IANA name)."""
    zone(timezone)
    starts_at = in_zone(starts_at, timezone, "starts")
    ends_at = in_zone(ends_at, timezone, "ends")
    if ends_at <= starts_at:
        raise ClaimError(INVALID_INPUT, field="ends")
    event = Event(
        id=uuid.uuid4(), issuer_id=issuer.id, name=_text(name, "name", 200),
        place=(place or "").strip() or None, starts_at=starts_at, ends_at=ends_at, timezone=timezone,
        created_at=now,
    )
    session.add(event)
    await session.flush()  # rows of different tables must reach the database parent first
    record(session, now, actor="organiser", action="event.created", subject=str(event.id))
    return event


async def get_by_id(session: AsyncSession, model: type[Row], raw_id: str, what: str) -> Row:
    """The row of ``model`` whose id is ``raw_id`` as typed by a person, else ``not_found`` naming ``what``."""
    try:
        key = uuid.UUID(str(raw_id))
    except ValueError:
        raise ClaimError(NOT_FOUND, what=what, id=raw_id) from None
    row = await session.get(model, key)
    if row is None:
        raise ClaimError(NOT_FOUND, what=what, id=raw_id)
    return row


def claim_window(event: Event, valid_from: datetime | None, valid_until: datetime | None) -> tuple[datetime, datetime]:
    """The window codes get: the one given (read in the event's zone when it has no offset), else from an
    hour before the event to a day after it."""
    start = in_zone(valid_from, event.timezone, "valid_from") if valid_from else event.starts_at - OPENS_BEFORE
    end = in_zone(valid_until, event.timezone, "valid_until") if valid_until else event.ends_at + CLOSES_AFTER
    return start, end


class NewCodes(list[str]):
    """The codes one ``create_codes`` made, in order, and the batch they make up."""

    def __init__(self, codes: list[str], batch_id: uuid.UUID) -> None:
        super().__init__(codes)
        self.batch_id = batch_id


async def create_codes(
    session: AsyncSession, event: Event, badge: BadgeClass, *, now: datetime, count: int | None = None,
    max_claims: int | None = None, valid_from: datetime | None = None, valid_until: datetime | None = None,
    target: str = "web", display_only: bool = False, progress: Callable[[int], None] | None = None,
    actor: str = "organiser",
) -> NewCodes:
    """``count`` single-use codes, or one multi-use code good for ``max_claims`` people, as one new batch;
    returns the codes (a list) with the batch's id (``.batch_id``).

    A ``display_only`` code (multi-use only) is shown as the kiosk's rotating QR and can be redeemed only
    through one of its short-lived tokens, so a photo of it shared online is useless minutes later.
    """
    if (count is None) == (max_claims is None):
        raise ClaimError(INVALID_INPUT, field="count")
    if count is not None and not 1 <= count <= MAX_CODES_PER_BATCH:
        raise ClaimError(INVALID_INPUT, field="count")
    if max_claims is not None and max_claims < 1:
        raise ClaimError(INVALID_INPUT, field="max_claims")
    if display_only and max_claims is None:
        raise ClaimError(INVALID_INPUT, field="display_only")
    if target not in TARGETS:
        raise ClaimError(INVALID_INPUT, field="target")
    if badge.issuer_id != event.issuer_id:
        raise ClaimError(INVALID_INPUT, field="badge")
    valid_from, valid_until = claim_window(event, valid_from, valid_until)
    if valid_until <= valid_from:
        raise ClaimError(INVALID_INPUT, field="valid_until")
    multi = max_claims is not None
    total = 1 if multi else count
    assert total is not None
    codes: list[str] = []
    batch_id = uuid.uuid4()
    # Inserted in chunks with one executemany each: 10,000 codes must not mean 10,000 round trips.
    chunk = 500
    for start in range(0, total, chunk):
        batch = [generate_code() for _ in range(min(chunk, total - start))]
        await session.execute(
            insert(ClaimCode),
            [
                dict(code=c, event_id=event.id, badge_class_id=badge.id, multi_use=multi,
                     max_claims=max_claims if multi else 1, claims_count=0, valid_from=valid_from,
                     valid_until=valid_until, active=True, target=target, display_only=display_only,
                     batch_id=batch_id, created_at=now)
                for c in batch
            ],
        )
        codes.extend(batch)
        if progress is not None:
            progress(len(batch))
    record(session, now, actor=actor, action="codes.created", subject=str(event.id), issuer_id=event.issuer_id,
           count=total, multi=multi, batch=str(batch_id))
    return NewCodes(codes, batch_id)


@dataclass(frozen=True)
class CodeBatch:
    """The codes of one ``create_codes``, counted: what an organiser sees, prints and deactivates together."""

    batch_id: uuid.UUID | None  # None: codes made before batches were recorded (grouped by badge and time)
    badge_id: uuid.UUID
    badge_name: str
    count: int  # codes in the batch
    multi_use: bool
    display_only: bool
    target: str
    active: int  # codes still active
    claims: int  # badges claimed with them so far
    max_claims: int  # badges they can give in all
    valid_from: datetime | None
    valid_until: datetime | None
    created_at: datetime


async def list_batches(session: AsyncSession, event_id: uuid.UUID) -> list[CodeBatch]:
    """The event's code batches, the newest first, counted in one grouped query."""
    rows = await session.execute(
        select(
            ClaimCode.batch_id, ClaimCode.badge_class_id, BadgeClass.name, func.count(), ClaimCode.multi_use,
            ClaimCode.display_only, ClaimCode.target, func.count().filter(ClaimCode.active.is_(True)),
            func.sum(ClaimCode.claims_count), func.sum(ClaimCode.max_claims), func.min(ClaimCode.valid_from),
            func.max(ClaimCode.valid_until), ClaimCode.created_at,
        )
        .join(BadgeClass, BadgeClass.id == ClaimCode.badge_class_id)
        .where(ClaimCode.event_id == event_id)
        # Every column a batch shares is grouped on: one group per batch, and codes older than batches
        # fall into groups per badge and moment of creation.
        .group_by(ClaimCode.batch_id, ClaimCode.badge_class_id, BadgeClass.name, ClaimCode.multi_use,
                  ClaimCode.display_only, ClaimCode.target, ClaimCode.created_at)
        .order_by(ClaimCode.created_at.desc(), BadgeClass.name, ClaimCode.batch_id)
    )
    return [CodeBatch(*row) for row in rows]


async def deactivate_batch(
    session: AsyncSession, event_id: uuid.UUID, batch_id: uuid.UUID, now: datetime, actor: str
) -> int:
    """Deactivate every code of the event's batch (their awards stay valid); returns how many were still active.

    ``not_found`` when the event has no such batch, so one issuer cannot probe another's batches.
    """
    event = await get_by_id(session, Event, str(event_id), "event")
    exists = await session.scalar(
        select(ClaimCode.id).where(ClaimCode.event_id == event.id, ClaimCode.batch_id == batch_id).limit(1))
    if exists is None:
        raise ClaimError(NOT_FOUND, what="batch", id=str(batch_id))
    result = await session.execute(
        update(ClaimCode).where(ClaimCode.event_id == event.id, ClaimCode.batch_id == batch_id,
                                ClaimCode.active.is_(True))
        .values(active=False).execution_options(synchronize_session=False)
    )
    deactivated = int(result.rowcount or 0)
    record(session, now, actor=actor, action="codes.batch_deactivated", subject=str(batch_id),
           issuer_id=event.issuer_id, event=str(event.id), count=deactivated)
    return deactivated


EXPORT_COLUMNS = ["award_id", "badge", "issued_at", "name", "email", "telegram_user_id", "channel", "expires_at",
                  "revoked_at", "verify_url"]


async def awards_csv(session: AsyncSession, event: Event, urls: BadgeUrls) -> bytes:
    """The event's awards as CSV, oldest first (for the organiser's eyes only: it holds e-mail addresses)."""
    rows = await session.execute(
        select(Award, BadgeClass.name).join(BadgeClass, Award.badge_class_id == BadgeClass.id)
        .where(Award.event_id == event.id).order_by(Award.issued_at, Award.id)
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for award, badge_name in rows:
        writer.writerow([
            award.id, badge_name, award.issued_at.isoformat(), award.recipient_name or "",
            award.recipient_email or "", award.telegram_user_id or "", award.channel,
            award.expires_at.isoformat() if award.expires_at else "",
            award.revoked_at.isoformat() if award.revoked_at else "", urls.award_page(award.id),
        ])
    return out.getvalue().encode("utf-8")


async def badges_of_issuer(session: AsyncSession, issuer_id: uuid.UUID) -> list[BadgeClass]:
    """The badge classes an event of this issuer may hand out, by name."""
    return list((await session.scalars(
        select(BadgeClass).where(BadgeClass.issuer_id == issuer_id).order_by(BadgeClass.name, BadgeClass.id))).all())
