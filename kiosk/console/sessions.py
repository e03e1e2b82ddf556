"""Console sessions: an aiohttp-session storage backed by the ``web_sessions`` table.

The cookie holds a random 256-bit key; the table holds only its sha256, the session's data (JSON) and
its expiry. A session lives 12 hours after the last page seen (sliding), so every process sharing the
database sees the same logins, and deleting the row (logout, disabling, a password reset) ends it at
once for whoever holds the cookie. Handlers use aiohttp-session's ``get_session`` as usual; signing in
and out go through ``begin_login`` and ``end_login`` below, which change the key on sign-in (session
fixation) and delete the row on sign-out.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from typing import Callable

from aiohttp import web
from aiohttp_session import AbstractStorage, Session, get_session, new_session
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from claims.accounts import token_hash
from claims.models import WebSession

SESSION_COOKIE = "badgeclaim_console"
SESSION_PATH = "/organiser"
SESSION_LIFETIME = timedelta(hours=12)
# The expiry slides at most every few minutes: one write per page view would be wasted work.
EXTEND_AFTER = timedelta(minutes=5)
ACCOUNT_ID = "account_id"
_MAX_COOKIE = 100


class WebSessionStorage(AbstractStorage):
    """aiohttp-session storage of ours: the key in the cookie, the rest in the database."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], clock: Callable[[], datetime], *,
                 secure: bool) -> None:
        # No max_age: a browser-session cookie; the server's expiry is the one that counts.
        super().__init__(cookie_name=SESSION_COOKIE, path=SESSION_PATH, secure=secure, httponly=True,
                         samesite="Lax")
        self._sessionmaker = sessionmaker
        self._clock = clock

    async def load_session(self, request: web.Request) -> Session:
        key = self.load_cookie(request)
        if not key or len(key) > _MAX_COOKIE:
            return Session(None, data=None, new=True)
        now = self._clock()
        async with self._sessionmaker.begin() as db:
            row = await db.get(WebSession, token_hash(key))
            if row is None:
                return Session(None, data=None, new=True)
            if row.expires_at <= now:
                await db.delete(row)
                return Session(None, data=None, new=True)
            if row.expires_at - now < SESSION_LIFETIME - EXTEND_AFTER:
                row.expires_at = now + SESSION_LIFETIME
            data = dict(row.data or {})
            created = int(row.created_at.timestamp())
        return Session(key, data={"created": created, "session": data}, new=False)

    async def save_session(self, request: web.Request, response: web.StreamResponse, session: Session) -> None:
        key = session.identity
        if session.empty:
            if key:
                await self.forget(key)
            self.save_cookie(response, "")
            return
        now = self._clock()
        data = dict(session)
        account_id = _account_id(data)
        async with self._sessionmaker.begin() as db:
            if key is None:
                key = secrets.token_urlsafe(32)
                session.set_new_identity(key)
                db.add(WebSession(key_hash=token_hash(key), account_id=account_id, data=data, created_at=now,
                                  expires_at=now + SESSION_LIFETIME))
            else:
                # A row deleted meanwhile (logged out elsewhere) stays deleted: nothing is updated then.
                await db.execute(update(WebSession).where(WebSession.key_hash == token_hash(key))
                                 .values(data=data, account_id=account_id)
                                 .execution_options(synchronize_session=False))
        self.save_cookie(response, key)

    async def forget(self, key: str) -> None:
        async with self._sessionmaker.begin() as db:
            await self.forget_in(db, key)

    @staticmethod
    async def forget_in(db: AsyncSession, key: str) -> None:
        await db.execute(delete(WebSession).where(WebSession.key_hash == token_hash(key))
                         .execution_options(synchronize_session=False))

    async def forget_expired(self, db: AsyncSession) -> None:
        await db.execute(delete(WebSession).where(WebSession.expires_at <= self._clock())
                         .execution_options(synchronize_session=False))


def _account_id(data: dict[str, object]) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(data[ACCOUNT_ID]))
    except (KeyError, ValueError):
        return None


async def begin_login(request: web.Request, storage: WebSessionStorage, account_id: uuid.UUID) -> None:
    """A fresh session for the account: the key held before signing in (perhaps planted) is dropped."""
    old = await get_session(request)
    if old.identity:
        await storage.forget(old.identity)
    session = await new_session(request)
    session[ACCOUNT_ID] = str(account_id)


async def end_login(request: web.Request) -> None:
    """Sign out: the row goes (for every holder of the cookie) and the cookie is cleared."""
    session = await get_session(request)
    session.invalidate()
