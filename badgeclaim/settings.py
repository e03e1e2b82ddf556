"""The one settings object: read once at the entry point from the environment and ``badgeclaim.toml``."""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PREFIX = "BADGECLAIM_"
LANGUAGES = ("fr", "en")


class SettingsError(ValueError):
    """A setting that cannot be used; the message names it."""


class NotInitialised(LookupError):
    """This installation has not been set up (``badgeclaim init``) yet."""


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "badgeclaim"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=default_data_dir)
    database_url: str = ""  # empty: the SQLite file in data_dir
    public_url: str = "http://127.0.0.1:8080"
    host: str = "127.0.0.1"
    port: int = 8080
    secret_key: str = ""  # empty: generated once and kept in data_dir/secret_key
    telegram_token: str = ""
    telegram_api_url: str = "https://api.telegram.org"
    telegram_mode: str = "polling"
    telegram_bot_username: str = ""  # for t.me deep links printed on Telegram-target codes
    smtp_url: str = ""
    language: str = "fr"
    timezone: str = "Europe/Paris"  # events' default zone: dates typed without an offset are read in it
    ob2_verification: str = "hosted"  # hosted | signed

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'badgeclaim.sqlite3'}"

    def validated(self) -> Settings:
        if self.language not in LANGUAGES:
            raise SettingsError(f"BADGECLAIM_LANGUAGE must be one of {', '.join(LANGUAGES)}, not {self.language!r}")
        if self.telegram_mode not in ("polling", "webhook"):
            raise SettingsError("BADGECLAIM_TELEGRAM_MODE must be 'polling' or 'webhook'")
        if self.ob2_verification not in ("hosted", "signed"):
            raise SettingsError("BADGECLAIM_OB2_VERIFICATION must be 'hosted' or 'signed'")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(f"BADGECLAIM_TIMEZONE must be an IANA time zone such as Europe/Paris, not {self.timezone!r}") from None
        if not self.public_url.startswith(("http://", "https://")):
            raise SettingsError("BADGECLAIM_PUBLIC_URL must start with http:// or https://")
        if not 0 < self.port < 65536:
            raise SettingsError("BADGECLAIM_PORT must be a TCP port number")
        return replace(self, public_url=self.public_url.rstrip("/"))

    def with_secret_key(self, *, create: bool = False) -> Settings:
        """Settings whose secret key is set: the configured one, else the one kept in the data dir, made
        once when ``create`` (``init``, ``demo``); without it, a missing key means nothing was set up here
        yet, and NotInitialised is raised instead of leaving a key behind."""
        if self.secret_key:
            return self
        path = self.data_dir / "secret_key"
        if not path.exists():
            if not create:
                raise NotInitialised(str(path))
            self.data_dir.mkdir(parents=True, exist_ok=True)
            # O_EXCL: two processes starting together must not each write a different key.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as out:
                    out.write(secrets.token_urlsafe(48))
        return replace(self, secret_key=path.read_text().strip())


def _coerce(name: str, raw: object) -> object:
    if name == "port":
        try:
            return int(raw)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            raise SettingsError(f"BADGECLAIM_PORT must be a number, not {raw!r}") from None
    if name == "data_dir":
        return Path(str(raw)).expanduser()
    return str(raw)


def load_settings(environ: Mapping[str, str] | None = None, config_file: Path | None = None) -> Settings:
    """Defaults, then the environment, then ``badgeclaim.toml`` (DESIGN.md §4: the file overrides).

    The file is ``BADGECLAIM_CONFIG`` when set, else ``badgeclaim.toml`` in the working directory if present;
    its keys are the setting names in lower case without the prefix (``database_url = "…"``).
    """
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    names = {f.name for f in fields(Settings)}
    for name in names:
        key = PREFIX + name.upper()
        if environ.get(key):
            values[name] = _coerce(name, environ[key])
    path = config_file or (Path(environ["BADGECLAIM_CONFIG"]) if environ.get("BADGECLAIM_CONFIG") else None)
    if path is None and Path("badgeclaim.toml").is_file():
        path = Path("badgeclaim.toml")
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"cannot read {path}: {exc}") from None
        unknown = sorted(set(data) - names)
        if unknown:
            raise SettingsError(f"{path}: unknown setting(s) {', '.join(unknown)}")
        values.update({k: _coerce(k, v) for k, v in data.items()})
    return Settings(**values).validated()  # type: ignore[arg-type]
