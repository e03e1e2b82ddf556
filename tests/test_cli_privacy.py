"""``badgeclaim forget`` as an organiser runs it when someone asks to be erased."""

from __future__ import annotations

from test_cli import run, setup_ids, stderr_line  # noqa: F401  (the CLI fixtures)


def claim_one(run, setup_ids, *args: str) -> str:  # type: ignore[no-untyped-def]  # noqa: F811
    [code] = run("codes", "create", "--event", setup_ids["event"], "--badge", setup_ids["badge"],
                 "--count", "1").stdout.split()
    claimed = run("claim", code, *args)
    assert claimed.exit_code == 0, claimed.output
    return claimed.stdout.strip()


def test_forget_by_email_says_how_many_awards_were_cleared(run, setup_ids):  # noqa: F811
    claim_one(run, setup_ids, "--email", "camille@example.org", "--name", "Camille")
    result = run("forget", "--email", "Camille@example.org")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "1 badge effacé."


def test_forget_speaks_english_with_a_plural(run, setup_ids):  # noqa: F811
    result = run("forget", "--telegram-id", "12345", language="en")
    assert result.exit_code == 0 and result.stdout.strip() == "0 awards cleared."


def test_badge_still_verifies_after_its_holder_is_forgotten(run, setup_ids):  # noqa: F811
    claim_one(run, setup_ids, "--email", "dominique@example.org", "--out", "badge.png")
    assert run("forget", "--email", "dominique@example.org").exit_code == 0
    verified = run("verify", "badge.png")
    assert verified.exit_code == 0, verified.output


def test_forgotten_email_leaves_the_export(run, setup_ids, tmp_path):  # noqa: F811
    claim_one(run, setup_ids, "--email", "dominique@example.org", "--name", "Dominique")
    assert run("forget", "--email", "dominique@example.org").exit_code == 0
    assert run("awards", "export", "--event", setup_ids["event"], "--csv", "awards.csv").exit_code == 0
    text = (tmp_path / "awards.csv").read_text()
    assert "dominique" not in text.lower()


def test_forget_needs_exactly_one_identity(run, setup_ids):  # noqa: F811
    assert "identifiant Telegram" in stderr_line(run("forget"))
    assert "Telegram id" in stderr_line(run("forget", "--email", "a@example.org", "--telegram-id", "3",
                                            language="en"))


def test_forget_refuses_a_malformed_email(run, setup_ids):  # noqa: F811
    assert "e-mail" in stderr_line(run("forget", "--email", "not-an-address"))
