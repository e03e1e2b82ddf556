"""``badgeclaim event organisers``: adding Telegram organisers by id or through a one-time link."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timezone
from pathlib import Path

from claims.event_organisers import redeem_organiser_link
from badgeclaim.database import create_engine, create_sessionmaker
from test_cli import run, setup_ids, stderr_line  # noqa: F401  (the CLI fixtures)


def test_added_organiser_is_listed(run, setup_ids):  # noqa: F811
    added = run("event", "organisers", "add", "--event", setup_ids["event"], "--telegram-id", "1001")
    assert added.exit_code == 0 and added.stdout.strip() == "1001 organise désormais cet événement."
    listed = run("event", "organisers", "list", "--event", setup_ids["event"])
    assert listed.stdout.split("\t")[0] == "1001"


def test_adding_twice_says_it_was_already_so(run, setup_ids):  # noqa: F811
    run("event", "organisers", "add", "--event", setup_ids["event"], "--telegram-id", "1001")
    again = run("event", "organisers", "add", "--event", setup_ids["event"], "--telegram-id", "1001", language="en")
    assert again.exit_code == 0 and again.stdout.strip() == "1001 already organised this event."


def test_removed_organiser_leaves_the_list(run, setup_ids):  # noqa: F811
    run("event", "organisers", "add", "--event", setup_ids["event"], "--telegram-id", "1001")
    removed = run("event", "organisers", "remove", "--event", setup_ids["event"], "--telegram-id", "1001")
    assert removed.exit_code == 0 and "n'organise plus" in removed.stdout
    assert run("event", "organisers", "list", "--event", setup_ids["event"]).stdout == ""


def test_adding_to_an_unknown_event_is_refused_by_name(run, setup_ids):  # noqa: F811
    result = run("event", "organisers", "add", "--event", "nope", "--telegram-id", "1001")
    assert "événement" in stderr_line(result)


def test_link_without_a_bot_name_prints_the_token(run, setup_ids):  # noqa: F811
    result = run("event", "organisers", "link", "--event", setup_ids["event"])
    assert result.exit_code == 0 and re.fullmatch(r"[A-Za-z0-9_-]{32}", result.stdout.strip())


def test_link_with_a_bot_name_is_a_deep_link_that_makes_an_organiser(run, setup_ids, monkeypatch,  # noqa: F811
                                                                     tmp_path: Path):
    monkeypatch.setenv("BADGECLAIM_TELEGRAM_BOT_USERNAME", "@canope_badges_bot")
    result = run("event", "organisers", "link", "--event", setup_ids["event"])
    found = re.fullmatch(r"https://t\.me/canope_badges_bot\?start=org_([A-Za-z0-9_-]{32})", result.stdout.strip())
    assert found, result.output

    async def redeem() -> str:
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'badgeclaim.sqlite3'}")
        try:
            async with create_sessionmaker(engine).begin() as session:
                return str((await redeem_organiser_link(session, found.group(1), 3003, datetime.now(timezone.utc))).id)
        finally:
            await engine.dispose()

    assert asyncio.run(redeem()) == setup_ids["event"]
    assert run("event", "organisers", "list", "--event", setup_ids["event"]).stdout.startswith("3003\t")
