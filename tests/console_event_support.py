"""Helpers for the tests of the console's event pages: another issuer's event, claims, the event's URLs."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from yarl import URL

from claims.accounts import token_hash
from claims.models import Account, ClaimCode, Event, Issuer, WebSession
from claims.organising import create_event
from claims.redemption import Recipient, redeem_code
from console_support import Console, open_console
from conftest import Database, World, issuing_context
from kiosk.console.sessions import ACCOUNT_ID, SESSION_COOKIE, SESSION_LIFETIME
from web_support import Clock, make_codes


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


async def sign_in_directly(console: Console, role: str = "organiser") -> uuid.UUID:
    """An account of the world's issuer signed in on ``console``'s client through a session row of its own.

    The sign-in pages (and their deliberately slow password hashing) are console-auth's tests' business;
    these tests need a signed-in client, not the hashing, which costs seconds per test on a busy machine.
    """
    key = secrets.token_urlsafe(32)
    now = console.clock.now
    async with console.db.sessionmaker.begin() as session:
        account = Account(id=uuid.uuid4(), issuer_id=console.world.issuer.id, email=f"{role}@canope.example.org",
                          role=role, created_at=now)
        session.add(account)
        await session.flush()
        session.add(WebSession(key_hash=token_hash(key), account_id=account.id, data={ACCOUNT_ID: str(account.id)},
                               created_at=now, expires_at=now + SESSION_LIFETIME))
    console.client.session.cookie_jar.update_cookies({SESSION_COOKIE: key}, URL(str(console.client.make_url("/"))))
    return account.id


@pytest.fixture
async def anonymous(db: Database, world: World, clock: Clock, aiohttp_client: Any) -> Console:
    """The real app on both backends with the world's issuer, nobody signed in."""
    return await open_console(db, world, clock, aiohttp_client)


@pytest.fixture
async def signed_in(anonymous: Console) -> Console:
    """The same, with an organiser of the world's issuer signed in."""
    await sign_in_directly(anonymous)
    return anonymous
