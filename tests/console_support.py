"""Fixtures for the organiser console: accounts with passwords, and a client that signs in and sends forms."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from argon2 import PasswordHasher
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from claims.accounts import create_account, set_password_with_link
from claims.models import Issuer
from conftest import Database, World
from kiosk import create_app
from kiosk.console.state import LinkMail
from web_support import Clock, issuing_context, make_codes, with_config

# Plain http: the test client keeps a Secure cookie away from http://127.0.0.1, as a browser would.
CONSOLE_CONFIG = with_config(public_url="http://badges.example.org")
PASSWORD = "correct horse battery staple"
OWNER_EMAIL = "owner@canope.example.org"
ORGANISER_EMAIL = "organiser@canope.example.org"
# argon2id still, at the smallest cost: the real parameters take about a second a hash on a busy CI machine.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def make_account(db: Database, issuer_id: uuid.UUID, email: str, role: str, now: datetime,
                       password: str | None = PASSWORD) -> uuid.UUID:
    async with db.sessionmaker.begin() as session:
        link = await create_account(session, issuer_id, email, role, now, actor="test")
        if password is not None:
            await set_password_with_link(session, link.token, password, now, CHEAP_HASHER)
        return link.account.id


async def make_other_issuer(db: Database, now: datetime) -> uuid.UUID:
    async with db.sessionmaker.begin() as session:
        other = Issuer(name="Autre", url="https://autre.example.org", email="a@autre.example.org", created_at=now)
        session.add(other)
        await session.flush()
        return other.id


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no form with a CSRF token on the page"
    return found.group(1)


@dataclass
class Console:
    db: Database
    world: World
    clock: Clock
    client: TestClient
    mails: list[LinkMail] = field(default_factory=list)

    async def csrf(self) -> str:
        """A genuine token for this client's CSRF cookie (any console form carries the same one)."""
        response = await self.client.get("/organiser/login")
        return csrf_of(await response.text())

    async def post(self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any) -> Any:
        fields = dict(data or {})
        if csrf:
            fields["csrf"] = await self.csrf()
        return await self.client.post(path, data=fields, allow_redirects=False, **kwargs)

    async def upload(self, path: str, fields: dict[str, str], image: bytes | None = None, *,
                     filename: str = "badge.png", content_type: str = "image/png", **kwargs: Any) -> Any:
        """A multipart form like a browser sends it, the CSRF token included; no file part when ``image`` is None."""
        form = FormData()
        form.add_field("csrf", await self.csrf())
        for name, value in fields.items():
            form.add_field(name, value)
        form.add_field("image", image or b"", filename=filename if image is not None else "",
                       content_type=content_type if image is not None else "application/octet-stream")
        return await self.client.post(path, data=form, allow_redirects=False, **kwargs)

    async def login(self, email: str = OWNER_EMAIL, password: str = PASSWORD, **headers: str) -> Any:
        return await self.post("/organiser/login", {"email": email, "password": password}, headers=headers)

    async def codes(self, **kwargs: Any) -> list[str]:
        return await make_codes(self.db, self.world, self.clock.now, **kwargs)

    async def page(self, path: str) -> tuple[int, str]:
        response = await self.client.get(path, allow_redirects=False)
        return response.status, await response.text()


async def open_console(db: Database, world: World, clock: Clock, aiohttp_client: Any, **client_kwargs: Any) -> Console:
    mails: list[LinkMail] = []

    async def send_link(mail: LinkMail) -> None:
        mails.append(mail)

    app = create_app(CONSOLE_CONFIG, db.sessionmaker, issuing_context(), clock=clock, send_link=send_link,
                     password_hasher=CHEAP_HASHER)
    return Console(db, world, clock, await aiohttp_client(app, **client_kwargs), mails)


@pytest.fixture
async def console(db: Database, world: World, clock: Clock, aiohttp_client: Any) -> Console:
    """The real app on both backends, with an owner and an organiser of the world's issuer (not signed in)."""
    await make_account(db, world.issuer.id, OWNER_EMAIL, "owner", clock.now)
    await make_account(db, world.issuer.id, ORGANISER_EMAIL, "organiser", clock.now)
    return await open_console(db, world, clock, aiohttp_client)


@pytest.fixture
async def owner(console: Console) -> Console:
    response = await console.login()
    assert response.status == 303, await response.text()
    return console


@pytest.fixture
async def organiser(console: Console) -> Console:
    response = await console.login(ORGANISER_EMAIL)
    assert response.status == 303, await response.text()
    return console
