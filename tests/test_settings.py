"""Settings: defaults, the environment, badgeclaim.toml on top, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from badgeclaim.settings import Settings, SettingsError, load_settings


def test_defaults_give_a_sqlite_file_in_the_data_dir(tmp_path: Path):
    settings = load_settings({"BADGECLAIM_DATA_DIR": str(tmp_path)}, config_file=None)
    assert settings.effective_database_url == f"sqlite+aiosqlite:///{tmp_path / 'badgeclaim.sqlite3'}"
    assert settings.language == "fr" and settings.telegram_token == ""


def test_environment_is_read_and_the_toml_file_overrides_it(tmp_path: Path):
    config = tmp_path / "badgeclaim.toml"
    config.write_text('public_url = "https://toml.example.org/"\nport = 9000\n')
    settings = load_settings(
        {"BADGECLAIM_PUBLIC_URL": "https://env.example.org", "BADGECLAIM_LANGUAGE": "en",
         "BADGECLAIM_CONFIG": str(config)}
    )
    assert settings.public_url == "https://toml.example.org"
    assert settings.port == 9000 and settings.language == "en"


@pytest.mark.parametrize(
    "environ, words",
    [
        ({"BADGECLAIM_LANGUAGE": "de"}, "BADGECLAIM_LANGUAGE"),
        ({"BADGECLAIM_PORT": "eighty"}, "BADGECLAIM_PORT"),
        ({"BADGECLAIM_PUBLIC_URL": "badges.example.org"}, "BADGECLAIM_PUBLIC_URL"),
        ({"BADGECLAIM_TELEGRAM_MODE": "push"}, "BADGECLAIM_TELEGRAM_MODE"),
    ],
)
def test_bad_values_are_refused_naming_the_setting(environ, words):
    with pytest.raises(SettingsError, match=words):
        load_settings(environ)


def test_unknown_keys_in_the_toml_file_are_refused(tmp_path: Path):
    config = tmp_path / "badgeclaim.toml"
    config.write_text('databse_url = "typo"\n')
    with pytest.raises(SettingsError, match="databse_url"):
        load_settings({}, config_file=config)


def test_generated_secret_key_is_kept_and_private(tmp_path: Path):
    first = Settings(data_dir=tmp_path).with_secret_key(create=True)
    second = Settings(data_dir=tmp_path).with_secret_key()
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
