"""``badgeclaim kiosk create|revoke`` and the demo's kiosk, through the real CLI."""

from __future__ import annotations

import re

from test_cli_hostile import ids, refused, run  # noqa: F401  (fixtures)

URL = re.compile(r"^https://badges\.example\.org/kiosk/[A-Za-z0-9_-]{32}$")


def test_kiosk_create_prints_the_kiosk_url(run, ids):
    result = run("kiosk", "create", "--event", ids["event"], "--label", "Entrée")
    assert result.exit_code == 0, result.output
    assert URL.match(result.stdout.strip())


def test_kiosk_create_with_a_display_only_code_makes_a_display_kiosk(run, ids):
    [code] = run("codes", "create", "--event", ids["event"], "--badge", ids["badge"], "--max-claims", "50",
                 "--display-only").stdout.split()
    result = run("kiosk", "create", "--event", ids["event"], "--display", code)
    assert result.exit_code == 0 and URL.match(result.stdout.strip())


def test_kiosk_create_with_a_card_code_as_display_says_what_is_needed(run, ids):
    [code] = run("codes", "create", "--event", ids["event"], "--badge", ids["badge"], "--count", "1").stdout.split()
    line = refused(run("kiosk", "create", "--event", ids["event"], "--display", code, language="en"))
    assert "display-only multi-use code" in line


def test_kiosk_revoke_takes_the_url_and_prints_the_kiosk_id(run, ids):
    url = run("kiosk", "create", "--event", ids["event"]).stdout.strip()
    result = run("kiosk", "revoke", url)
    assert result.exit_code == 0 and re.fullmatch(r"[0-9a-f-]{36}", result.stdout.strip())


def test_kiosk_revoke_of_an_unknown_kiosk_is_one_line_in_the_language(run, ids):
    assert "kiosque" in refused(run("kiosk", "revoke", "no-such-kiosk-token", language="fr"))
    assert "kiosk" in refused(run("kiosk", "revoke", "no-such-kiosk-token", language="en"))


def test_the_demo_makes_a_kiosk_and_prints_its_url(run):
    result = run("demo", "--data-dir", "demo", "--no-serve", language="en")
    assert result.exit_code == 0, result.output
    assert re.search(r"^Kiosk .*\s(https?://\S+/kiosk/[A-Za-z0-9_-]{32})$", result.stdout, re.M)
