"""create_app's wiring: the injected Telegram webhook route, the health check, the default language check."""

from __future__ import annotations

import pytest
from aiohttp import web
from sqlalchemy.ext.asyncio import create_async_engine

from badgeclaim.database import create_sessionmaker
from conftest import issuing_context
from kiosk import create_app
from web_support import CONFIG, build_app, with_config


async def test_the_injected_telegram_webhook_gets_its_route(db, clock, aiohttp_client):
    seen = []

    async def webhook(request: web.Request) -> web.Response:
        seen.append(await request.json())
        return web.Response(text="ok")

    client = await aiohttp_client(create_app(CONFIG, db.sessionmaker, issuing_context(), clock=clock,
                                             telegram_webhook=webhook))
    response = await client.post("/telegram/webhook", json={"update_id": 1})
    assert response.status == 200 and seen == [{"update_id": 1}]


async def test_without_a_webhook_there_is_no_telegram_route(db, clock, aiohttp_client):
    client = await aiohttp_client(build_app(db, clock))
    assert (await client.post("/telegram/webhook", json={})).status == 404


async def test_healthz_answers_503_when_the_database_does_not(tmp_path, aiohttp_client):
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'nowhere.sqlite3'}")
    client = await aiohttp_client(create_app(CONFIG, create_sessionmaker(engine), issuing_context()))
    response = await client.get("/healthz")
    assert response.status == 503
    assert (await response.json())["error"]["code"] == "unavailable"
    await engine.dispose()


def test_an_unknown_default_language_is_refused_at_creation(db):
    with pytest.raises(ValueError):
        create_app(with_config(default_language="de"), db.sessionmaker, issuing_context())


async def test_a_wrong_method_on_a_page_is_a_page_with_405(site):
    response = await site.client.delete("/privacy", headers={"Accept": "text/html"})
    assert response.status == 405 and response.content_type == "text/html"
    assert "Allow" in response.headers
