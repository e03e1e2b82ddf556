"""`serve`: a request in flight at SIGTERM (in a real subprocess), the mail worker, start-up refusals."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from dataclasses import replace
from pathlib import Path
from typing import AsyncIterator

import aiohttp
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from badgeclaim.cli import cli
from badgeclaim.serve import ADDRESS_IN_USE, ServeError, serve
from badgeclaim.settings import Settings
from claims.models import Delivery
from claims.outbox import SENT
from conftest import PUBLIC_URL, SECRET, Database, make_world, open_database
from outbox_support import queue_deliveries
from serve_support import stand_in_app
from smtp_support import free_port

TESTS = Path(__file__).resolve().parent


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    async with open_database("sqlite", tmp_path) as database:
        yield database


def settings_for(db: Database, tmp_path: Path, **changes: object) -> Settings:
    base = Settings(data_dir=tmp_path, database_url=db.url, public_url=PUBLIC_URL, secret_key=SECRET,
                    port=free_port())
    return replace(base, **changes)  # type: ignore[arg-type]


def environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGECLAIM_") or "TEST" in k}
    env.update({"BADGECLAIM_DATA_DIR": str(settings.data_dir), "BADGECLAIM_DATABASE_URL": settings.database_url,
                "BADGECLAIM_PUBLIC_URL": settings.public_url, "BADGECLAIM_SECRET_KEY": settings.secret_key,
                "BADGECLAIM_PORT": str(settings.port), "PYTHONPATH": str(TESTS)})
    return env


async def start_process(settings: Settings) -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(TESTS / "serve_process.py"), env=environment(settings),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
    assert line.startswith("READY "), line
    return process, line.split()[1]


async def test_request_in_flight_at_sigterm_is_answered_and_new_ones_are_refused(sqlite_db, tmp_path, now):
    await make_world(sqlite_db, now)
    process, url = await start_process(settings_for(sqlite_db, tmp_path))
    async with aiohttp.ClientSession() as client:
        in_flight = asyncio.create_task(client.get(f"{url}/slow?seconds=1"))
        await asyncio.sleep(0.3)  # the request is being handled
        process.send_signal(signal.SIGTERM)
        response = await asyncio.wait_for(in_flight, 10)
        assert response.status == 200 and await response.text() == "finished"
        await asyncio.sleep(0.2)
        with pytest.raises(aiohttp.ClientConnectionError):
            async with aiohttp.ClientSession() as fresh:
                await fresh.get(f"{url}/healthz")
    await asyncio.wait_for(process.wait(), 20)
    assert process.returncode == 0


async def test_serve_sends_queued_mail_while_it_runs(sqlite_db, tmp_path, now, smtp):
    world = await make_world(sqlite_db, now)
    await queue_deliveries(sqlite_db, world, now, 2)
    settings = settings_for(sqlite_db, tmp_path, smtp_url=smtp.url, smtp_from="badges@canope.example.org")
    stop = asyncio.Event()
    ready = []
    server = asyncio.create_task(serve(settings, app_factory=stand_in_app, stop=stop, on_ready=ready.append,
                                       handle_signals=False, clock=lambda: now))
    try:
        async with asyncio.timeout(20):
            while len(smtp.mailbox.messages) < 2:
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(server, 20)
    assert ready[0].channels == ("email",)
    async with sqlite_db.sessionmaker() as session:
        assert set((await session.scalars(select(Delivery.status))).all()) == {SENT}


async def test_serve_refuses_a_port_already_in_use(sqlite_db, tmp_path, now):
    await make_world(sqlite_db, now)
    settings = settings_for(sqlite_db, tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", settings.port))
        taken.listen()
        with pytest.raises(ServeError) as refused:
            await serve(settings, app_factory=stand_in_app, handle_signals=False)
    assert refused.value.code == ADDRESS_IN_USE and refused.value.params["port"] == settings.port


def invoke_serve(tmp_path: Path, language: str, **env: str):  # type: ignore[no-untyped-def]
    base = {"BADGECLAIM_DATA_DIR": str(tmp_path / "data"), "BADGECLAIM_LANGUAGE": language,
            "BADGECLAIM_PORT": str(free_port())}
    return CliRunner().invoke(cli, ["serve"], env={**base, **env})


def test_serve_with_a_database_that_does_not_answer_says_so_in_one_line(tmp_path):
    dead = f"postgresql+asyncpg://root@127.0.0.1:{free_port()}/test"
    result = invoke_serve(tmp_path, "fr", BADGECLAIM_DATABASE_URL=dead, BADGECLAIM_SECRET_KEY=SECRET)
    assert result.exit_code == 1 and "Traceback" not in result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Erreur : la base de données ne répond pas : vérifiez qu'elle tourne")


def test_serve_on_an_uninitialised_database_tells_to_run_init_in_english(tmp_path):
    result = invoke_serve(tmp_path, "en")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == ["Error: The database is not set up: run `badgeclaim init` first."]


def test_serve_help_explains_listening_for_a_phone_on_the_same_network():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0 and "0.0.0.0" in result.stdout and "phone" in result.stdout
