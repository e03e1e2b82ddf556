"""The app's typed state: one frozen object under one ``web.AppKey``, made by ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from claims.context import IssuingContext
from kiosk.config import WebConfig
from kiosk.keys import WebKeys


@dataclass(frozen=True)
class WebState:
    config: WebConfig
    sessionmaker: async_sessionmaker[AsyncSession]
    issuing: IssuingContext
    clock: Callable[[], datetime]
    keys: WebKeys


STATE = web.AppKey("badgeclaim_web_state", WebState)


def state_of(request: web.Request) -> WebState:
    return request.app[STATE]
