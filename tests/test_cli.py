"""The command line as an organiser uses it: the walkthrough, bad input, languages, --help everywhere."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from PIL import Image

from badgeclaim.cli import cli
from qr.reader import decode
from conftest import png_bytes


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Invoke the real CLI in-process on a fresh data dir; returns the click Result."""
    monkeypatch.chdir(tmp_path)
    for key in [k for k in __import__("os").environ if k.startswith("BADGECLAIM_") and "TEST" not in k]:
        monkeypatch.delenv(key)
    env = {"BADGECLAIM_DATA_DIR": str(tmp_path / "data"), "BADGECLAIM_PUBLIC_URL": "https://badges.example.org"}

    def invoke(*args: str, language: str = "fr") -> Result:
        return CliRunner().invoke(cli, list(args), env={**env, "BADGECLAIM_LANGUAGE": language})

    return invoke


@pytest.fixture
def setup_ids(run, tmp_path: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    image = tmp_path / "badge.png"
    image.write_bytes(png_bytes(128))
    ids = {}
    result = run("init", "--issuer-name", "Atelier Canopé", "--issuer-url", "https://canope.example.org",
                 "--issuer-email", "badges@canope.example.org")
    assert result.exit_code == 0, result.output
    ids["issuer"] = result.stdout.strip()
    result = run("badge", "create", "--name", "Explorateur", "--description", "A exploré.", "--criteria",
                 "Venir.", "--image", str(image))
    assert result.exit_code == 0, result.output
    ids["badge"] = result.stdout.strip()
    result = run("event", "create", "--name", "Journée", "--starts", "2020-01-01T09:00", "--ends", "2099-01-01T17:00")
    assert result.exit_code == 0, result.output
    ids["event"] = result.stdout.strip()
    return ids


def stderr_line(result: Result) -> str:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    return result.stderr.strip().splitlines()[-1]


def test_every_command_answers_help(run):
    for command in (["--help"], ["init", "--help"], ["badge", "create", "--help"], ["event", "create", "--help"],
                    ["codes", "create", "--help"], ["claim", "--help"], ["verify", "--help"], ["revoke", "--help"],
                    ["awards", "export", "--help"], ["demo", "--help"], ["kiosk", "create", "--help"],
                    ["kiosk", "revoke", "--help"]):
        result = run(*command)
        assert result.exit_code == 0 and "Utilisation :" in result.stdout, command


def test_walkthrough_creates_codes_claims_them_and_exports(run, setup_ids, tmp_path: Path):
    result = run("codes", "create", "--event", setup_ids["event"], "--badge", setup_ids["badge"], "--count", "3",
                 "--csv", "codes.csv", "--pdf", "cards.pdf")
    assert result.exit_code == 0, result.output
    printed = result.stdout.split()
    assert len(printed) == 3 and all(len(c) == 17 and c.count("-") == 2 for c in printed)
    rows = list(csv.DictReader((tmp_path / "codes.csv").open()))
    assert [r["printed"] for r in rows] == printed
    assert rows[0]["url"] == "https://badges.example.org/c/" + printed[0].replace("-", "")
    assert (tmp_path / "cards.pdf").read_bytes().startswith(b"%PDF")

    first = run("claim", printed[0].lower(), "--email", "Camille@Example.org", "--name", "Camille")
    again = run("claim", rows[0]["url"], "--email", "camille@example.org")
    assert first.exit_code == 0 and again.exit_code == 0
    assert first.stdout.strip() == again.stdout.strip()

    assert run("awards", "export", "--event", setup_ids["event"], "--csv", "awards.csv").exit_code == 0
    [award] = list(csv.DictReader((tmp_path / "awards.csv").open()))
    assert award["award_id"] == first.stdout.strip() and award["email"] == "camille@example.org"


def test_claim_of_a_used_card_by_someone_else_fails_with_a_french_message(run, setup_ids):
    [code] = run("codes", "create", "--event", setup_ids["event"], "--badge", setup_ids["badge"],
                 "--count", "1").stdout.split()
    assert run("claim", code, "--email", "a@example.org").exit_code == 0
    assert stderr_line(run("claim", code, "--email", "b@example.org")) == "Erreur : Ce code a déjà été utilisé."


def test_errors_speak_english_when_the_language_is_english(run, setup_ids):
    result = run("claim", "7KQM3-XTPW9-RDHJ3", language="en")
    assert stderr_line(result).startswith("Error: ")


def test_missing_image_file_is_a_one_line_error(run, setup_ids):
    result = run("badge", "create", "--name", "X", "--description", "d", "--criteria", "c", "--image", "nope.png")
    assert "nope.png" in stderr_line(result)


def test_an_image_that_is_not_png_or_svg_is_refused(run, setup_ids, tmp_path: Path):
    (tmp_path / "fake.png").write_text("hello")
    result = run("badge", "create", "--name", "X", "--description", "d", "--criteria", "c", "--image", "fake.png")
    assert "image" in stderr_line(result)


def test_bad_dates_are_refused_with_the_expected_format(run, setup_ids):
    result = run("event", "create", "--name", "X", "--starts", "2026-13-01", "--ends", "2026-12-02")
    assert "ISO 8601" in result.stderr and result.exit_code != 0
    result = run("event", "create", "--name", "X", "--starts", "2026-12-02T10:00", "--ends", "2026-12-02T09:00")
    assert "fin de l'événement" in stderr_line(result)


def test_count_zero_is_refused(run, setup_ids):
    result = run("codes", "create", "--event", setup_ids["event"], "--badge", setup_ids["badge"], "--count", "0")
    assert "nombre de codes" in stderr_line(result)


def test_unknown_ids_are_refused_by_name(run, setup_ids):
    result = run("codes", "create", "--event", "not-an-id", "--badge", setup_ids["badge"], "--count", "2")
    assert "événement" in stderr_line(result)
    result = run("awards", "export", "--event", "00000000-0000-0000-0000-000000000000", "--csv", "x.csv")
    assert "événement" in stderr_line(result)


def test_commands_before_init_say_to_run_init(run, tmp_path: Path):
    result = run("event", "create", "--name", "X", "--starts", "2026-12-02T09:00", "--ends", "2026-12-02T10:00")
    assert "badgeclaim init" in stderr_line(result)


def test_init_again_keeps_the_issuer_and_updates_it(run, setup_ids):
    result = run("init", "--issuer-name", "Canopé 86")
    assert result.exit_code == 0 and result.stdout.strip() == setup_ids["issuer"]


def test_poster_code_gets_a_pdf_poster(run, setup_ids, tmp_path: Path):
    result = run("codes", "create", "--event", setup_ids["event"], "--badge", setup_ids["badge"],
                 "--max-claims", "200", "--pdf", "poster.pdf", "--page-size", "A3")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.split()) == 1
    assert (tmp_path / "poster.pdf").read_bytes().startswith(b"%PDF")


def test_telegram_target_without_bot_name_fails_before_making_codes(run, setup_ids):
    result = run("codes", "create", "--event", setup_ids["event"], "--badge", setup_ids["badge"], "--count", "2",
                 "--target", "telegram")
    assert "BADGECLAIM_TELEGRAM_BOT_USERNAME" in stderr_line(result)


def test_installed_console_script_answers_help():
    script = shutil.which("badgeclaim", path=str(Path(sys.executable).parent))
    assert script is not None, "the badgeclaim console script is not installed next to this Python"
    done = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "codes" in done.stdout


def test_claimed_badge_verifies_until_it_is_revoked(run, setup_ids, tmp_path: Path):
    [code] = run("codes", "create", "--event", setup_ids["event"], "--badge", setup_ids["badge"],
                 "--count", "1").stdout.split()
    claimed = run("claim", code, "--email", "dominique@example.org", "--out", "badge.png")
    assert claimed.exit_code == 0, claimed.output
    award_id = claimed.stdout.strip()
    verified = run("verify", "badge.png")
    assert verified.exit_code == 0, verified.output
    assert "OB 2.0" in verified.stdout and "OB 3.0" in verified.stdout

    assert run("revoke", award_id, "--reason", "erreur").exit_code == 0
    refused = run("verify", "badge.png", language="en")
    assert refused.exit_code == 1 and "revoked" in refused.stdout.lower()


def test_verify_refuses_a_file_that_is_no_badge(run, setup_ids, tmp_path: Path):
    (tmp_path / "plain.png").write_bytes(png_bytes(32))
    result = run("verify", "plain.png")
    assert result.exit_code == 1


def test_demo_makes_its_files_and_a_verifiable_badge(run, tmp_path: Path):
    result = run("demo", "--data-dir", "demo", "--no-serve")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "demo"
    for name in ("cards.pdf", "poster.pdf", "codes.csv", "demo-badge.png", "badgeclaim.sqlite3"):
        assert (folder / name).stat().st_size > 0, name
    again = run("demo", "--data-dir", "demo", "--no-serve")  # a second run starts afresh instead of failing
    assert again.exit_code == 0, again.output


def terminal_qr_image(lines: list[str]) -> bytes:
    """The PNG of a QR drawn with half blocks (segno's compact terminal output: light is the printed colour)."""
    top = {"█": (1, 1), "▀": (1, 0), "▄": (0, 1), " ": (0, 0)}
    rows = []
    for line in lines:
        pairs = [top[char] for char in line]
        rows += [[p[0] for p in pairs], [p[1] for p in pairs]]
    image = Image.new("L", (len(rows[0]), len(rows)))
    image.putdata([255 if light else 0 for row in rows for light in row])
    out = io.BytesIO()
    image.resize((image.width * 8, image.height * 8), Image.NEAREST).save(out, format="PNG")
    return out.getvalue()


def test_demo_prints_a_cards_phone_link_and_a_terminal_qr_that_scans_to_it(run):
    result = run("demo", "--data-dir", "demo", "--no-serve", "--port", "8123", language="en")
    lines = result.stdout.splitlines()
    [link_line] = [line for line in lines if line.startswith("Claim this badge with a phone: ")]
    link = link_line.split(": ", 1)[1]
    assert link.startswith("https://badges.example.org/c/")  # BADGECLAIM_PUBLIC_URL is set: it wins
    drawn = [line for line in lines if line and set(line) <= set("█▀▄ ")]
    assert decode(terminal_qr_image(drawn)) == [link]


def test_demo_links_use_the_serving_address_when_no_public_url_is_set(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {"BADGECLAIM_DATA_DIR": str(tmp_path / "data"), "BADGECLAIM_PUBLIC_URL": None, "BADGECLAIM_LANGUAGE": "fr"}
    result = CliRunner().invoke(cli, ["demo", "--no-serve", "--port", "8123"], env=env)
    assert result.exit_code == 0, result.output
    assert "téléphone : http://127.0.0.1:8123/c/" in result.stdout
    assert "badgeclaim demo --host 0.0.0.0" in result.stdout


def test_out_with_the_wrong_extension_is_refused_and_nothing_is_awarded(run, setup_ids, tmp_path: Path):
    [code] = run("codes", "create", "--event", setup_ids["event"], "--badge", setup_ids["badge"],
                 "--count", "1").stdout.split()
    refused = run("claim", code, "--email", "ella@example.org", "--out", "badge.svg")
    assert refused.exit_code == 1 and ".png" in stderr_line(refused) and not (tmp_path / "badge.svg").exists()
    # The card was not used: someone else can still claim it.
    other = run("claim", code, "--email", "finn@example.org", "--out", "badge.png")
    assert other.exit_code == 0 and (tmp_path / "badge.png").read_bytes().startswith(b"\x89PNG")


def test_first_init_without_the_issuer_says_what_is_missing(run):
    assert "--issuer-name" in stderr_line(run("init"))


def test_the_command_line_starts_without_loading_the_heavy_libraries():
    # `badgeclaim --help` must start fast: SQLAlchemy, Alembic, pyld, reportlab and Pillow load only in
    # the commands that use them (bench: `time badgeclaim --help`).
    probe = ("import sys, badgeclaim.cli; heavy = {'sqlalchemy', 'alembic', 'pyld', 'reportlab', 'PIL', 'aiohttp'}; "
             "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
