"""An app in kiosk.create_app's call shape with a slow route, which the real app has not: a request held in flight."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Callable

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from badgeclaim.settings import Settings
from claims.context import IssuingContext


def stand_in_app(settings: Settings, sessions: async_sessionmaker[AsyncSession], issuing: IssuingContext,
                 clock: Callable[[], datetime], *, telegram_webhook: object = None) -> web.Application:
    """/healthz as the contract says (200 when SELECT 1 answers), and /slow to hold a request in flight."""

    async def healthz(request: web.Request) -> web.Response:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))
        return web.Response(text="ok")

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(float(request.query.get("seconds", "1")))
        return web.Response(text="finished")

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/slow", slow)
    return app
