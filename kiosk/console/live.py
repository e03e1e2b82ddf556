"""Server-sent events for the live dashboard: each open stream polls the database, so it works across processes.

No in-process publish/subscribe: a claim taken by another process (or the bot) reaches every dashboard
through the next poll of the database. Each session may hold only a few streams at once in a process
(a tab left open per event is normal, a loop opening streams is not), and a stream ends as soon as its
poll finds the session gone (logged out, expired).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Awaitable, Callable, Iterator

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.accounts import token_hash
from claims.models import Account, WebSession
from kiosk.middlewares import WebRefusal

log = logging.getLogger(__name__)

# What one poll gives: the snapshot to send (sent only when it changed), or None when the stream must end.
Poll = Callable[[], Awaitable[dict[str, Any] | None]]


@dataclass
class LiveStreams:
    """The streams this process has open, per session key, and how often they poll."""

    poll_seconds: float = 2.0
    heartbeat_seconds: float = 15.0
    max_per_session: int = 3
    _open: Counter[str] = field(default_factory=Counter)

    @contextlib.contextmanager
    def slot(self, session_key: str) -> Iterator[None]:
        if self._open[session_key] >= self.max_per_session:
            raise WebRefusal(429)
        self._open[session_key] += 1
        try:
            yield
        finally:
            self._open[session_key] -= 1
            if not self._open[session_key]:
                del self._open[session_key]

    def open_count(self, session_key: str) -> int:
        return self._open[session_key]


LIVE_STREAMS = web.AppKey("badgeclaim_live_streams", LiveStreams)


async def web_session_alive(session: AsyncSession, cookie_key: str, now: datetime) -> bool:
    """Whether the console session of ``cookie_key`` still stands: not logged out, not expired, account enabled."""
    if not cookie_key:
        return False
    row = (await session.execute(
        select(WebSession.expires_at, Account.disabled_at).join(Account, Account.id == WebSession.account_id)
        .where(WebSession.key_hash == token_hash(cookie_key))
    )).first()
    return row is not None and row.expires_at > now and row.disabled_at is None


def sse_message(event: str, data: dict[str, Any]) -> bytes:
    """One server-sent event; JSON keeps the data on one line, as the format needs."""
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'), sort_keys=True)}\n\n".encode()


async def stream_snapshots(request: web.Request, session_key: str, event: str, poll: Poll) -> web.StreamResponse:
    """Answer ``request`` with a ``text/event-stream`` of ``event`` messages, one whenever ``poll`` sees a change."""
    streams = request.app[LIVE_STREAMS]
    with streams.slot(session_key):
        first = await poll()
        if first is None:
            raise web.HTTPUnauthorized()
        response = web.StreamResponse(headers={
            "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store",
            # Proxies (nginx) would otherwise hold the events back until a buffer fills.
            "X-Accel-Buffering": "no",
        })
        await response.prepare(request)
        try:
            await response.write(b"retry: 5000\n\n" + sse_message(event, first))
            last, silent = first, 0.0
            while True:
                await asyncio.sleep(streams.poll_seconds)
                snapshot = await poll()
                if snapshot is None:
                    await response.write(sse_message("end", {}))
                    break
                if snapshot != last:
                    await response.write(sse_message(event, snapshot))
                    last, silent = snapshot, 0.0
                    continue
                silent += streams.poll_seconds
                if silent >= streams.heartbeat_seconds:
                    # A comment line: ignored by the page, but it finds a dead connection for us.
                    await response.write(b": still here\n\n")
                    silent = 0.0
        except ConnectionResetError:
            pass  # the page went away: nothing to tell anyone
        except Exception:
            # Headers are sent: no error page can follow. Closing without "end" makes the browser's
            # EventSource come back after the retry delay, when the database may answer again.
            log.warning("live stream %s ended by an error", request.path, exc_info=True)
        return response
