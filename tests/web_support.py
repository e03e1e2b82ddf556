"""Fixtures for the web app: the real aiohttp app on the test database, a settable clock, claim codes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from claims.models import BadgeClass, Event
from claims.organising import NewCodes, create_codes
from conftest import PUBLIC_URL, SECRET, Database, World, issuing_context
from kiosk import WebConfig, create_app

CONFIG = WebConfig(public_url=PUBLIC_URL, secret_key=SECRET, telegram_bot_username="badges_bot")


class Clock:
    """The app's clock, moved by the test instead of patched."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def build_app(db: Database, clock: Clock, config: WebConfig = CONFIG) -> web.Application:
    return create_app(config, db.sessionmaker, issuing_context(), clock=clock)


async def make_codes(db: Database, world: World, now: datetime, **kwargs: Any) -> NewCodes:
    async with db.sessionmaker.begin() as session:
        event = await session.get(Event, world.event.id)
        badge = await session.get(BadgeClass, world.badge.id)
        assert event is not None and badge is not None
        return await create_codes(session, event, badge, now=now, **kwargs)


_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_NONCE = re.compile(r'name="nonce" value="([^"]+)"')
_TICKET = re.compile(r'name="ticket" value="([^"]+)"')


@dataclass
class ClaimForm:
    """The hidden fields of a rendered claim form."""

    csrf: str
    nonce: str
    ticket: str | None

    @classmethod
    def of(cls, html: str) -> ClaimForm:
        csrf, nonce = _CSRF.search(html), _NONCE.search(html)
        assert csrf and nonce, "no claim form on the page"
        ticket = _TICKET.search(html)
        return cls(csrf.group(1), nonce.group(1), ticket.group(1) if ticket else None)

    def fields(self, **values: str) -> dict[str, str]:
        data = {"csrf": self.csrf, "nonce": self.nonce, **values}
        if self.ticket:
            data["ticket"] = self.ticket
        return data


@dataclass
class Site:
    db: Database
    world: World
    clock: Clock
    client: TestClient
    issued_emails: list[str] = field(default_factory=list)

    async def codes(self, **kwargs: Any) -> list[str]:
        return await make_codes(self.db, self.world, self.clock.now, **kwargs)

    async def api_claim(self, code: str, *, language: str = "fr", key: str | None = None, **body: Any) -> Any:
        headers = {"Accept-Language": language}
        if key is not None:
            headers["Idempotency-Key"] = key
        if body.get("email"):
            self.issued_emails.append(body["email"])
        return await self.client.post("/api/v1/claims", json={"code": code, **body}, headers=headers)

    async def open_form(self, path: str, **headers: str) -> ClaimForm:
        response = await self.client.get(path, headers=headers)
        assert response.status == 200, await response.text()
        return ClaimForm.of(await response.text())

    async def page_claim(self, code: str, **values: str) -> Any:
        """GET the claim page, then send its form (cookies kept by the client), without following the redirect."""
        form = await self.open_form(f"/c/{code}")
        if values.get("email"):
            self.issued_emails.append(values["email"])
        return await self.client.post(f"/c/{code}", data=form.fields(**values), allow_redirects=False)


@pytest.fixture
def clock(now: datetime) -> Clock:
    return Clock(now)


@pytest.fixture
def web_config() -> WebConfig:
    return CONFIG


@pytest.fixture
async def site(db: Database, world: World, clock: Clock, web_config: WebConfig, aiohttp_client: Any) -> Site:
    """The real app on the test database (both backends), with the world's badge and event."""
    client = await aiohttp_client(build_app(db, clock, web_config))
    return Site(db, world, clock, client)


def with_config(**changes: Any) -> WebConfig:
    return replace(CONFIG, **changes)
