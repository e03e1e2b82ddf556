"""Helpers for the tests of the console's event pages: another issuer's event, claims, the event's URLs."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from claims.models import ClaimCode, Event, Issuer
from claims.organising import create_event
from claims.redemption import Recipient, redeem_code
from conftest import Database, World, issuing_context
from web_support import make_codes


def event_url(world: World, *parts: str) -> str:
    return "/".join([f"/organiser/events/{world.event.id}", *parts])


async def other_issuers_event(db: Database, now: datetime) -> Event:
    """An event of an issuer the signed-in account does not belong to."""
    async with db.sessionmaker.begin() as session:
        issuer = Issuer(name="Autre", url="https://autre.example.org", email="a@autre.example.org", created_at=now)
        session.add(issuer)
        await session.flush()
        return await create_event(session, issuer, name="Pas à vous", starts_at=now, ends_at=now + timedelta(hours=2),
                                  now=now)


async def claim(db: Database, world: World, now: datetime, *, name: str | None = None, email: str | None = None,
                channel: str = "web", **kwargs: Any) -> uuid.UUID:
    """One badge of the world's event, claimed with a fresh single-use code."""
    [code] = await make_codes(db, world, now, count=1)
    async with db.sessionmaker.begin() as session:
        redemption = await redeem_code(session, code, Recipient(email=email, name=name), now, channel=channel,
                                       issuing=issuing_context(), **kwargs)
        return redemption.award.id


async def batch_of(db: Database, code: str) -> uuid.UUID:
    async with db.sessionmaker() as session:
        batch = await session.scalar(select(ClaimCode.batch_id).where(ClaimCode.code == code))
    assert batch is not None
    return batch
