"""The root of the command line: the click group, its error handling, the async runner, date parsing."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, TypeVar

import click
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from badgeclaim.database import create_engine, create_sessionmaker
from badgeclaim.settings import Settings, SettingsError, load_settings
from claims.errors import ClaimError
from claims.messages import message

T = TypeVar("T")

TEXTS: dict[str, dict[str, str]] = {
    "error": {"fr": "Erreur : {}", "en": "Error: {}"},
    "not_initialised": {
        "fr": "La base de données n'est pas initialisée : lancez d'abord « badgeclaim init ».",
        "en": "The database is not set up: run `badgeclaim init` first.",
    },
    "cannot_read": {
        "fr": "impossible de lire le fichier {} ({})",
        "en": "cannot read the file {} ({})",
    },
    "issuer_needed": {
        "fr": "la première fois, donnez --issuer-name, --issuer-url et --issuer-email",
        "en": "the first time, give --issuer-name, --issuer-url and --issuer-email",
    },
    "wrong_suffix": {
        "fr": "badge {} délivré, mais son image est un fichier {} : donnez --out avec cette extension",
        "en": "award {} made, but its image is a {} file: give --out with that extension",
    },
    "bad_date": {
        "fr": "date invalide {!r} : attendu le format ISO 8601, par ex. 2026-12-03T09:00",
        "en": "invalid date {!r}: expected ISO 8601, e.g. 2026-12-03T09:00",
    },
}


def text(key: str, language: str, *args: Any) -> str:
    table = TEXTS[key]
    return table.get(language, table["fr"]).format(*args)


class CliError(Exception):
    """A failure of the command line itself (a file, an argument), already worded for the person."""


@dataclass
class CliContext:
    settings: Settings

    @property
    def language(self) -> str:
        return self.settings.language


def run_with_db(cli: CliContext, work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
    """Run ``work`` with a sessionmaker on the configured database, then close the engine."""

    async def main() -> T:
        engine = create_engine(cli.settings.effective_database_url)
        try:
            return await work(create_sessionmaker(engine))
        finally:
            await engine.dispose()

    return asyncio.run(main())


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class DateTimeParam(click.ParamType):
    """ISO 8601. A date-time without an offset stays naive here: the domain reads it in the event's zone."""

    name = "ISO-DATETIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        language = ctx.find_object(CliContext).language if ctx and ctx.find_object(CliContext) else "fr"
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(text("bad_date", language, value), param, ctx)
        return parsed


class BadgeclaimGroup(click.Group):
    """Turns the errors a person can act on into one line on stderr and exit status 1 (no traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ClaimError as exc:
            language = _language(ctx)
            click.echo(text("error", language, message(exc.code, language, **exc.params)), err=True)
            sys.exit(1)
        except CliError as exc:
            click.echo(text("error", _language(ctx), exc), err=True)
            sys.exit(1)
        except SettingsError as exc:
            click.echo(text("error", _language(ctx), exc), err=True)
            sys.exit(2)
        except (OperationalError, ProgrammingError) as exc:
            if "no such table" in str(exc) or "does not exist" in str(exc):
                click.echo(text("error", _language(ctx), text("not_initialised", _language(ctx))), err=True)
                sys.exit(1)
            raise


def _language(ctx: click.Context) -> str:
    obj = ctx.find_object(CliContext)
    return obj.language if obj else "fr"


@click.group(cls=BadgeclaimGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="badgeclaim")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """badgeclaim: hand out verifiable Open Badges at events.

    Settings come from BADGECLAIM_* environment variables, then a badgeclaim.toml file (see README).
    Typical run: init, badge create, event create, codes create --pdf, then serve.
    """
    if ctx.resilient_parsing:
        return
    try:
        settings = load_settings()
    except SettingsError as exc:
        click.echo(text("error", "fr", exc), err=True)
        sys.exit(2)
    ctx.obj = CliContext(settings)
