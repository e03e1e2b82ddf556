"""The command line speaks BADGECLAIM_LANGUAGE: its help, every option's help and click's own words."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from badgeclaim.cli import cli


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith("BADGECLAIM_") and "TEST" not in k]:
        monkeypatch.delenv(key)

    def invoke(*args: str, language: str | None = None) -> Result:
        env = {"BADGECLAIM_DATA_DIR": str(tmp_path / "data")}
        if language is not None:
            env["BADGECLAIM_LANGUAGE"] = language
        return CliRunner().invoke(cli, list(args), env=env)

    return invoke


def test_root_help_is_french_by_default(run):
    out = run("--help").stdout
    assert out.startswith("Utilisation : ")
    assert "Afficher ce message et quitter." in out and "Commandes:" in out
    assert "remettre des Open Badges vérifiables" in out


def test_option_help_is_french_by_default(run):
    out = run("codes", "create", "--help").stdout
    assert "Nombre de codes à usage unique (cartes) à créer." in out
    assert "[obligatoire]" in out and "--count ENTIER" in out and "--pdf FICHIER" in out


def test_help_is_english_when_the_language_is_english(run):
    out = run("codes", "create", "--help", language="en").stdout
    assert out.startswith("Usage: ") and "Show this message and exit." in out
    assert "Number of single-use codes (cards) to make." in out and "--count INTEGER" in out


def test_the_language_can_change_between_runs_in_one_process(run):
    assert "Options:" in run("badge", "create", "--help", language="en").stdout
    assert "Nom du badge." in run("badge", "create", "--help", language="fr").stdout
    assert "Badge name." in run("badge", "create", "--help", language="en").stdout


def test_an_unknown_command_is_refused_in_french(run):
    result = run("nosuchcmd")
    assert result.exit_code == 2 and "Erreur : Commande inconnue : 'nosuchcmd'." in result.stderr


def test_a_missing_option_is_refused_in_french(run):
    result = run("awards", "export", "--csv", "x.csv")
    assert result.exit_code == 2 and "Erreur : Option manquante '--event'." in result.stderr


def test_a_bad_number_is_refused_in_english_when_asked(run):
    result = run("codes", "create", "--event", "e", "--badge", "b", "--count", "many", language="en")
    assert "Error: Invalid value for '--count': 'many' is not a valid integer." in result.stderr


def test_a_bad_language_setting_is_one_french_line(run):
    result = run("--help", language="de")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.strip() == "Erreur : BADGECLAIM_LANGUAGE doit être l'une des valeurs fr, en, pas 'de'"


def test_a_run_leaves_the_process_gettext_state_as_it_found_it(run):
    language, bound = os.environ.get("LANGUAGE"), gettext.bindtextdomain(gettext.textdomain())
    run("--help")
    assert os.environ.get("LANGUAGE") == language and gettext.bindtextdomain(gettext.textdomain()) == bound


def test_installed_command_speaks_french_by_default(tmp_path: Path):
    script = shutil.which("badgeclaim", path=str(Path(sys.executable).parent))
    assert script is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGECLAIM_") or "TEST" in k}
    done = subprocess.run([script, "nosuchcmd"], capture_output=True, text=True, timeout=60, cwd=tmp_path,
                          env={**env, "BADGECLAIM_DATA_DIR": str(tmp_path / "data"), "LANGUAGE": "en"})
    assert done.returncode == 2 and "Erreur : Commande inconnue" in done.stderr
