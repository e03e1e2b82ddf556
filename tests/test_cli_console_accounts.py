"""``badgeclaim organiser add``: the account, its printed one-time link, and the mail when SMTP is set."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from test_cli_hostile import PUBLIC_URL, ids, refused, run  # noqa: F401  (fixtures)


def accounts(tmp_path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(tmp_path / "data" / "badgeclaim.sqlite3") as db:
        return db.execute("SELECT email, role FROM accounts").fetchall()


def test_organiser_add_prints_a_one_time_link(run, ids, tmp_path):
    result = run("organiser", "add", "Prof@Example.org", "--role", "owner")
    assert result.exit_code == 0, result.output
    link = result.stdout.strip()
    assert link.startswith(f"{PUBLIC_URL}/organiser/password/") and len(link.rsplit("/", 1)[1]) >= 43
    assert accounts(tmp_path) == [("prof@example.org", "owner")]


def test_the_link_token_is_not_stored(run, ids, tmp_path):
    token = run("organiser", "add", "prof@example.org").stdout.strip().rsplit("/", 1)[1]
    with sqlite3.connect(tmp_path / "data" / "badgeclaim.sqlite3") as db:
        stored = db.execute("SELECT token_hash FROM one_time_tokens").fetchall()
    assert len(stored) == 1 and token not in stored[0][0]


def test_organiser_add_mails_the_link_when_smtp_is_set(run, ids, smtp):
    result = run("organiser", "add", "prof@example.org", language="en", smtp_url=smtp.url,
                 smtp_from="badges@canope.example.org")
    assert result.exit_code == 0, result.output
    [mail] = smtp.mailbox.messages
    assert mail["To"] == "prof@example.org" and "organiser account" in mail["Subject"]
    assert result.stdout.strip() in mail.get_content()


def test_organiser_add_in_french_mails_in_french(run, ids, smtp):
    run("organiser", "add", "prof@example.org", smtp_url=smtp.url, smtp_from="badges@canope.example.org")
    [mail] = smtp.mailbox.messages
    assert "compte organisateur" in mail["Subject"]


def test_an_unreachable_smtp_server_still_prints_the_link(run, ids, tmp_path):
    result = run("organiser", "add", "prof@example.org", smtp_url="smtp://127.0.0.1:1",
                 smtp_from="badges@canope.example.org")
    assert result.exit_code == 0 and "/organiser/password/" in result.stdout
    assert "donnez-le vous-même" in result.stderr


def test_the_same_email_twice_is_one_line(run, ids, tmp_path):
    run("organiser", "add", "prof@example.org")
    line = refused(run("organiser", "add", "PROF@example.org"))
    assert line.startswith("Erreur") and len(accounts(tmp_path)) == 1
