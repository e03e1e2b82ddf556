"""Telegram organisers of an event: who may see its statistics and print its codes from the bot, and the
one-time link that makes someone one."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from claims.audit import record
from claims.errors import NOT_FOUND, ORGANISER_LINK_INVALID, ClaimError
from claims.models import Event, EventOrganiser, OneTimeToken

PURPOSE = "telegram_organiser"
# 192 random bits, written in 32 characters of Telegram's deep-link alphabet: "org_" + token fits its 64.
TOKEN_BYTES = 24
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
DEFAULT_TTL = timedelta(days=2)

_INSERT = {"postgresql": pg_insert, "sqlite": sqlite_insert}


async def _event(session: AsyncSession, event_id: uuid.UUID) -> Event:
    event = await session.get(Event, event_id)
    if event is None:
        raise ClaimError(NOT_FOUND, what="event", id=str(event_id))
    return event


async def add_organiser(
    session: AsyncSession, event_id: uuid.UUID, telegram_user_id: int, now: datetime, *, actor: str = "organiser"
) -> bool:
    """Let the Telegram account ``telegram_user_id`` organise the event; False when it already did."""
    event = await _event(session, event_id)
    # ON CONFLICT DO NOTHING: two adds racing (a double-tapped link) end in one row and no error.
    statement = (
        _INSERT[session.get_bind().dialect.name](EventOrganiser)
        .values(event_id=event.id, telegram_user_id=telegram_user_id, added_at=now)
        .on_conflict_do_nothing()
        .returning(EventOrganiser.id)
    )
    added = (await session.execute(statement)).first() is not None
    if added:
        record(session, now, actor=actor, action="event.organiser_added", subject=str(event.id),
               issuer_id=event.issuer_id, telegram_user_id=telegram_user_id)
    return added


async def remove_organiser(
    session: AsyncSession, event_id: uuid.UUID, telegram_user_id: int, now: datetime, *, actor: str = "organiser"
) -> bool:
    """The Telegram account no longer organises the event; False when it did not."""
    event = await _event(session, event_id)
    result = await session.execute(
        delete(EventOrganiser)
        .where(EventOrganiser.event_id == event.id, EventOrganiser.telegram_user_id == telegram_user_id)
        .execution_options(synchronize_session=False)
    )
    removed = bool(result.rowcount)
    if removed:
        record(session, now, actor=actor, action="event.organiser_removed", subject=str(event.id),
               issuer_id=event.issuer_id, telegram_user_id=telegram_user_id)
    return removed


async def list_organisers(session: AsyncSession, event_id: uuid.UUID) -> list[EventOrganiser]:
    """The event's Telegram organisers, first added first."""
    query = select(EventOrganiser).where(EventOrganiser.event_id == event_id).order_by(
        EventOrganiser.added_at, EventOrganiser.id)
    return list((await session.scalars(query)).all())


async def events_organised_by(session: AsyncSession, telegram_user_id: int) -> list[Event]:
    """The events this Telegram account organises, the latest to start first."""
    query = (
        select(Event).join(EventOrganiser, EventOrganiser.event_id == Event.id)
        .where(EventOrganiser.telegram_user_id == telegram_user_id)
        .order_by(Event.starts_at.desc(), Event.id)
    )
    return list((await session.scalars(query)).all())


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


async def create_organiser_link(
    session: AsyncSession, event_id: uuid.UUID, now: datetime, *, ttl: timedelta = DEFAULT_TTL,
    actor: str = "organiser",
) -> str:
    """A token that makes whoever opens ``t.me/<bot>?start=org_<token>`` an organiser of the event, once,
    within ``ttl``. Only its hash is stored: a copy of the database opens nothing."""
    event = await _event(session, event_id)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(OneTimeToken(purpose=PURPOSE, token_hash=_hash(token), event_id=event.id, created_at=now,
                             expires_at=now + ttl))
    record(session, now, actor=actor, action="event.organiser_link_created", subject=str(event.id),
           issuer_id=event.issuer_id)
    return token


async def redeem_organiser_link(
    session: AsyncSession, token: str, telegram_user_id: int, now: datetime
) -> Event:
    """Make ``telegram_user_id`` an organiser of the link's event and use the link up.

    An unknown, used or expired link is ``organiser_link_invalid``, the same refusal for each, so that
    trying tokens tells nothing. The link is taken by a conditional UPDATE: of two people opening it at
    once, exactly one becomes organiser.
    """
    if not _TOKEN.match(token or ""):
        raise ClaimError(ORGANISER_LINK_INVALID)
    taken: Any = (
        await session.execute(
            update(OneTimeToken)
            .where(OneTimeToken.token_hash == _hash(token), OneTimeToken.purpose == PURPOSE,
                   OneTimeToken.used_at.is_(None), OneTimeToken.expires_at > now)
            .values(used_at=now)
            .returning(OneTimeToken.event_id)
            .execution_options(synchronize_session=False)
        )
    ).first()
    if taken is None or taken.event_id is None:
        raise ClaimError(ORGANISER_LINK_INVALID)
    event = await _event(session, taken.event_id)
    await add_organiser(session, event.id, telegram_user_id, now, actor="telegram_link")
    return event
