"""The command line tried as a careless or hostile user would: one line on stderr, exit != 0, nothing half-done."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from badgeclaim.cli import cli
from conftest import POSTGRES_URL, png_bytes

PUBLIC_URL = "https://badges.example.org"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The real CLI in-process on a fresh data dir; extra settings as keyword arguments."""
    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith("BADGECLAIM_") and "TEST" not in k]:
        monkeypatch.delenv(key)
    base = {"BADGECLAIM_DATA_DIR": str(tmp_path / "data"), "BADGECLAIM_PUBLIC_URL": PUBLIC_URL}

    def invoke(*args: str, language: str = "fr", **settings: str) -> Result:
        env = {**base, "BADGECLAIM_LANGUAGE": language, **{f"BADGECLAIM_{k.upper()}": v for k, v in settings.items()}}
        return CliRunner().invoke(cli, list(args), env=env)

    return invoke


def refused(result: Result) -> str:
    """The one line a refusal prints; fails on a traceback or an exception that escaped."""
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = (result.stderr or result.stdout).strip().splitlines()  # verify's verdict is its report, on stdout
    assert len(lines) >= 1
    return lines[-1]


@pytest.fixture
def ids(run, tmp_path: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    (tmp_path / "badge.png").write_bytes(png_bytes(64))
    found = {"issuer": run("init", "--issuer-name", "Atelier", "--issuer-url", "https://canope.example.org",
                           "--issuer-email", "badges@canope.example.org").stdout.strip()}
    found["badge"] = run("badge", "create", "--name", "B", "--description", "D", "--criteria", "C",
                         "--image", "badge.png").stdout.strip()
    found["event"] = run("event", "create", "--name", "E", "--starts", "2020-01-01T09:00",
                         "--ends", "2099-01-01T17:00").stdout.strip()
    assert all(found.values()), found
    return found


def codes_in_database(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "data" / "badgeclaim.sqlite3") as db:
        return db.execute("SELECT count(*) FROM claim_codes").fetchone()[0]


@pytest.mark.parametrize("starts, ends", [("0001-01-01", "0001-01-02"), ("9999-12-31T22:00", "9999-12-31T23:00"),
                                          ("2026-12-03T09:00", "9999-12-31T23:59")])
def test_event_dates_out_of_range_are_one_line(run, ids, starts, ends):
    line = refused(run("event", "create", "--name", "X", "--starts", starts, "--ends", ends))
    assert line.startswith("Erreur")


def test_codes_window_out_of_range_is_one_line(run, ids, tmp_path):
    line = refused(run("codes", "create", "--event", ids["event"], "--badge", ids["badge"], "--count", "2",
                       "--valid-until", "9999-12-31T23:59"))
    assert line.startswith("Erreur") and codes_in_database(tmp_path) == 0


@pytest.mark.parametrize("option", ["--pdf", "--csv"])
def test_codes_into_a_missing_folder_are_refused_and_not_created(run, ids, tmp_path, option):
    line = refused(run("codes", "create", "--event", ids["event"], "--badge", ids["badge"], "--count", "3",
                       option, "no/such/folder/out.file"))
    assert "no/such/folder" in line
    assert codes_in_database(tmp_path) == 0


def test_codes_whose_pdf_fails_leave_no_csv_behind(run, ids, tmp_path):
    refused(run("codes", "create", "--event", ids["event"], "--badge", ids["badge"], "--count", "3",
                "--csv", "codes.csv", "--pdf", "missing/cards.pdf"))
    assert not (tmp_path / "codes.csv").exists() and codes_in_database(tmp_path) == 0


def test_claim_out_into_a_missing_folder_leaves_the_card_unused(run, ids):
    [code] = run("codes", "create", "--event", ids["event"], "--badge", ids["badge"], "--count", "1").stdout.split()
    refused(run("claim", code, "--email", "a@example.org", "--out", "missing/badge.png"))
    assert run("claim", code, "--email", "b@example.org").exit_code == 0


def test_export_to_an_unwritable_path_is_one_line(run, ids, tmp_path):
    (tmp_path / "a-folder").mkdir()
    line = refused(run("awards", "export", "--event", ids["event"], "--csv", str(tmp_path / "a-folder")))
    assert "a-folder" in line


@pytest.mark.parametrize("url", [
    "postgresql+asyncpg://root@127.0.0.1:1/test",  # nothing listens there
    "foo://somewhere/db",  # unknown dialect
    "postgresql://root@127.0.0.1/test",  # no async driver
    "not a url at all",
])
def test_a_bad_database_url_is_one_line(run, url):
    line = refused(run("event", "create", "--name", "E", "--starts", "2026-01-01", "--ends", "2026-01-02",
                       database_url=url, secret_key="k" * 32))
    assert "BADGECLAIM_DATABASE_URL" in line or "base de données" in line


def test_a_missing_postgres_database_is_named_as_such(run):
    from conftest import require_postgres

    asyncio.run(require_postgres())
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/no_such_database_here"
    line = refused(run("event", "create", "--name", "E", "--starts", "2026-01-01", "--ends", "2026-01-02",
                       database_url=url, secret_key="k" * 32, language="en"))
    assert "does not exist" in line


@pytest.mark.parametrize("args", [
    ["badge", "create", "--name", "B", "--description", "D", "--criteria", "C", "--image", "/etc/hostname"],
    ["event", "create", "--name", "E", "--starts", "2026-01-01", "--ends", "2026-01-02"],
    ["claim", "ABCDE-FGHJK-MNPQR"],
    ["revoke", "00000000-0000-0000-0000-000000000000"],
    ["awards", "export", "--event", "x", "--csv", "out.csv"],
    ["organiser", "add", "x@example.org"],
    ["kiosk", "create", "--event", "x"],
    ["kiosk", "revoke", "x"],
])
def test_commands_before_init_say_so_and_create_nothing(run, tmp_path, args):
    line = refused(run(*args))
    assert "init" in line
    assert not (tmp_path / "data").exists()


def test_revoking_twice_keeps_the_first_reason_and_says_so(run, ids):
    [code] = run("codes", "create", "--event", ids["event"], "--badge", ids["badge"], "--count", "1").stdout.split()
    award = run("claim", code, "--email", "r@example.org").stdout.strip()
    assert run("revoke", award, "--reason", "erreur de saisie").exit_code == 0
    again = run("revoke", award, "--reason", "autre chose")
    assert again.exit_code == 0 and "erreur de saisie" in again.stderr and again.stdout.strip() == award


def test_a_reason_over_500_characters_is_refused_not_cut(run, ids):
    [code] = run("codes", "create", "--event", ids["event"], "--badge", ids["badge"], "--count", "1").stdout.split()
    award = run("claim", code, "--email", "s@example.org").stdout.strip()
    line = refused(run("revoke", award, "--reason", "x" * 501))
    assert "500" in line
    assert run("revoke", award, "--reason", "x" * 500).exit_code == 0


def test_verify_gives_the_same_verdict_with_public_url_unset(run, ids, tmp_path, monkeypatch):
    [code] = run("codes", "create", "--event", ids["event"], "--badge", ids["badge"], "--count", "1").stdout.split()
    assert run("claim", code, "--email", "v@example.org", "--out", "b.png").exit_code == 0
    assert run("verify", "b.png").exit_code == 0
    unset = CliRunner().invoke(cli, ["verify", "b.png"], env={"BADGECLAIM_DATA_DIR": str(tmp_path / "data"),
                                                             "BADGECLAIM_PUBLIC_URL": None})
    assert unset.exit_code == 0, unset.output


def test_demo_refuses_a_folder_it_did_not_make_and_touches_nothing(run, tmp_path):
    folder = tmp_path / "real-data"
    folder.mkdir()
    (folder / "badgeclaim.sqlite3").write_bytes(b"an organiser's real database")
    (folder / "notes.txt").write_text("mine")
    line = refused(run("demo", "--data-dir", "real-data", "--no-serve"))
    assert "real-data" in line
    assert (folder / "badgeclaim.sqlite3").read_bytes() == b"an organiser's real database"
    assert (folder / "notes.txt").read_text() == "mine"


def test_demo_replaces_its_own_folder_says_so_and_keeps_what_a_person_added(run, tmp_path):
    assert run("demo", "--data-dir", "demo", "--no-serve").exit_code == 0
    (tmp_path / "demo" / "notes.txt").write_text("mine")
    again = run("demo", "--data-dir", "demo", "--no-serve")
    assert again.exit_code == 0 and "demo" in again.stderr
    assert (tmp_path / "demo" / "notes.txt").read_text() == "mine"
    assert (tmp_path / "demo" / "demo-badge.png").stat().st_size > 0


HOSTILE = [
    ["init", "--issuer-name", "", "--issuer-url", "javascript:alert(1)", "--issuer-email", "nope"],
    ["badge", "create", "--name", "x" * 5000, "--description", "D", "--criteria", "C", "--image", "badge.png"],
    ["badge", "create", "--name", "B", "--description", "D", "--criteria", "C", "--image", "/dev/null"],
    ["badge", "create", "--name", "B", "--description", "D", "--criteria", "C", "--image", "/"],
    ["event", "create", "--name", "E", "--starts", "demain", "--ends", "2026-01-02"],
    ["event", "create", "--name", "E", "--starts", "2026-01-02", "--ends", "2026-01-01"],
    ["event", "create", "--name", "E", "--starts", "2026-01-01", "--ends", "2026-01-02", "--timezone", "Mars/Base"],
    ["codes", "create", "--event", "../../etc/passwd", "--badge", "x", "--count", "1"],
    ["codes", "create", "--event", "EVENT", "--badge", "BADGE", "--count", "0"],
    ["codes", "create", "--event", "EVENT", "--badge", "BADGE", "--count", "-5"],
    ["codes", "create", "--event", "EVENT", "--badge", "BADGE", "--count", "999999999"],
    ["codes", "create", "--event", "EVENT", "--badge", "BADGE", "--count", "2", "--display-only"],
    ["codes", "create", "--event", "EVENT", "--badge", "BADGE", "--max-claims", "5", "--valid-from",
     "2030-01-01", "--valid-until", "2029-01-01"],
    ["claim", "'; DROP TABLE awards; --"],
    ["claim", "A" * 10000],
    ["claim", "ABCDE-FGHJK-MNPQR", "--email", "not-an-address"],
    ["claim", "ABCDE-FGHJK-MNPQR", "--name", "n" * 1000],
    ["verify", "badge.png"],
    ["verify", "/dev/null"],
    ["revoke", "not-a-uuid"],
    ["revoke", "00000000-0000-0000-0000-000000000000"],
    ["awards", "export", "--event", "00000000-0000-0000-0000-000000000000", "--csv", "out.csv"],
    ["kiosk", "create", "--event", "../../etc/passwd"],
    ["kiosk", "create", "--event", "00000000-0000-0000-0000-000000000000"],
    ["kiosk", "create", "--event", "EVENT", "--display", "not-a-code"],
    ["kiosk", "create", "--event", "EVENT", "--display", "ABCDE-FGHJK-MNPQR"],
    ["kiosk", "create", "--event", "EVENT", "--label", "x" * 5000],
    ["kiosk", "create"],
    ["kiosk", "revoke", "no-such-kiosk"],
    ["kiosk", "revoke", "https://badges.example.org/kiosk/"],
    ["kiosk", "revoke", "'; DROP TABLE kiosks; --"],
    ["nosuchcommand"],
    ["organiser", "add", "not-an-address"],
    ["organiser", "add", "x@example.org", "--role", "admin"],
    ["organiser", "add", "x@example.org", "--issuer", "not-a-uuid"],
    ["organiser", "add", "x@example.org", "--issuer", "00000000-0000-0000-0000-000000000000"],
    ["organiser", "add", "a" * 400 + "@example.org"],
]


@pytest.mark.parametrize("args", HOSTILE, ids=lambda a: " ".join(a)[:40])
def test_hostile_arguments_never_give_a_traceback(run, ids, args):
    args = [ids.get(a.lower(), a) for a in args]
    refused(run(*args))


def test_no_traceback_in_a_real_process_with_a_broken_database_url(tmp_path):
    env = {**os.environ, "BADGECLAIM_DATA_DIR": str(tmp_path), "BADGECLAIM_DATABASE_URL": "mysql+nodriver://x/y",
           "BADGECLAIM_SECRET_KEY": "k" * 32}
    done = subprocess.run([sys.executable, "-m", "badgeclaim", "event", "create", "--name", "E", "--starts",
                           "2026-01-01", "--ends", "2026-01-02"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode != 0 and "Traceback" not in done.stderr and done.stderr.strip().count("\n") == 0
