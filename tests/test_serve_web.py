"""`badgeclaim serve` with the real web app: a claim over HTTP, e-mail through an SMTP outage, SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import select

from badgeclaim.serve import kiosk_app, serve
from badgeclaim.settings import Settings
from claims.models import Delivery
from claims.openbadges.baking import unbake
from claims.outbox import PENDING, SENT
from conftest import PUBLIC_URL, SECRET, Database, make_world, open_database
from smtp_support import LoopbackSmtp, free_port
from web_support import Clock, make_codes


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    async with open_database("sqlite", tmp_path) as database:
        yield database


async def until_healthy(client: aiohttp.ClientSession, url: str, seconds: float = 30) -> None:
    """Wait (bounded) until the server started elsewhere answers /healthz with 200."""
    async with asyncio.timeout(seconds):
        while True:
            try:
                async with client.get(f"{url}/healthz") as health:
                    if health.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)


async def test_badgeclaim_serve_answers_a_claim_and_stops_cleanly_on_sigterm(sqlite_db, tmp_path):
    now = datetime.now(timezone.utc)  # the process claims on the real clock
    world = await make_world(sqlite_db, now)
    [code] = await make_codes(sqlite_db, world, now, count=1)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGECLAIM_") or "TEST" in k}
    env.update({"BADGECLAIM_DATA_DIR": str(tmp_path), "BADGECLAIM_DATABASE_URL": sqlite_db.url,
                "BADGECLAIM_PUBLIC_URL": PUBLIC_URL, "BADGECLAIM_SECRET_KEY": SECRET, "BADGECLAIM_PORT": str(port),
                "BADGECLAIM_LANGUAGE": "en"})
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from badgeclaim.cli import main; main()", "serve", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as client:
            await until_healthy(client, url)
            async with client.post(f"{url}/api/v1/claims", json={"code": code}) as answer:
                assert answer.status == 201
                assert (await answer.json())["verify_url"].startswith(f"{PUBLIC_URL}/awards/")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, stderr.decode()
    assert "badgeclaim has stopped." in stderr.decode() and "Traceback" not in stderr.decode()


async def test_claim_is_answered_while_smtp_is_down_and_its_mail_goes_out_once_smtp_is_back(
    sqlite_db, tmp_path, now
):
    world = await make_world(sqlite_db, now)
    [code] = await make_codes(sqlite_db, world, now, count=1)
    smtp = LoopbackSmtp(free_port())  # not started: SMTP is down
    clock = Clock(now)
    settings = Settings(data_dir=tmp_path, database_url=sqlite_db.url, public_url=PUBLIC_URL, secret_key=SECRET,
                        port=free_port(), smtp_url=smtp.url, smtp_from="badges@canope.example.org")
    stop = asyncio.Event()
    server = asyncio.create_task(serve(settings, app_factory=kiosk_app, stop=stop, handle_signals=False, clock=clock))

    async def delivery() -> Delivery:
        async with sqlite_db.sessionmaker() as session:
            found = await session.scalar(select(Delivery))
            assert found is not None
            return found

    try:
        async with aiohttp.ClientSession() as client:
            await until_healthy(client, f"http://127.0.0.1:{settings.port}")
            async with client.post(f"http://127.0.0.1:{settings.port}/api/v1/claims",
                                   json={"code": code, "email": "camille@example.org"}) as answer:
                assert answer.status == 201
                award_id = (await answer.json())["award_id"]
        async with asyncio.timeout(20):
            while (await delivery()).attempts < 1 or (await delivery()).lease_owner is not None:
                await asyncio.sleep(0.05)
        assert (await delivery()).status == PENDING and smtp.mailbox.messages == []

        smtp.start()
        clock.now = (await delivery()).next_attempt_at
        async with asyncio.timeout(20):
            while (await delivery()).status != SENT:
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(server, 20)
        smtp.stop()
    [mail] = smtp.mailbox.messages
    [attachment] = list(mail.iter_attachments())
    assert mail["To"] == "camille@example.org"
    assert json.loads(unbake(attachment.get_content()).ob3 or "{}")["id"].endswith(f"/ob3/credentials/{award_id}")
