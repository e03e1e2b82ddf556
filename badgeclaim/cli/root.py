"""The root of the command line: the click group, its error handling, the async runner, date parsing."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, TypeVar

import click
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from badgeclaim.database import NOT_INITIALISED, DatabaseProblem, create_engine, create_sessionmaker, explain
from badgeclaim.settings import NotInitialised, Settings, SettingsError, load_settings
from claims.errors import ClaimError
from claims.messages import message

T = TypeVar("T")

TEXTS: dict[str, dict[str, str]] = {
    "error": {"fr": "Erreur : {}", "en": "Error: {}"},
    "not_initialised": {
        "fr": "La base de données n'est pas initialisée : lancez d'abord « badgeclaim init ».",
        "en": "The database is not set up: run `badgeclaim init` first.",
    },
    "cannot_write": {
        "fr": "impossible d'écrire le fichier {} ({})",
        "en": "cannot write the file {} ({})",
    },
    "unexpected": {
        "fr": "erreur inattendue ({}) ; rien n'a été enregistré à moitié. Signalez-la avec la commande lancée.",
        "en": "unexpected error ({}); nothing was half-saved. Please report it with the command you ran.",
    },
    "already_revoked": {
        "fr": "{} était déjà révoqué le {} ; motif conservé : {}",
        "en": "{} was already revoked on {}; reason kept: {}",
    },
    "demo_foreign_folder": {
        "fr": "{} n'est pas un dossier fait par « badgeclaim demo » et n'est pas vide : rien n'a été touché ; "
              "choisissez un autre --data-dir",
        "en": "{} was not made by `badgeclaim demo` and is not empty: nothing was touched; choose another --data-dir",
    },
    "demo_not_a_folder": {
        "fr": "{} est un fichier, pas un dossier : choisissez un autre --data-dir",
        "en": "{} is a file, not a folder: choose another --data-dir",
    },
    "demo_replacing": {
        "fr": "Remplacement de la démo précédente dans {}",
        "en": "Replacing the previous demo in {}",
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
        "fr": "l'image de ce badge est un fichier {} : donnez --out avec cette extension (rien n'a été délivré)",
        "en": "this badge's image is a {} file: give --out with that extension (nothing was awarded)",
    },
    "db_bad_url": {
        "fr": "BADGECLAIM_DATABASE_URL n'est pas une adresse de base de données valide ({})",
        "en": "BADGECLAIM_DATABASE_URL is not a valid database URL ({})",
    },
    "db_unknown_dialect": {
        "fr": "BADGECLAIM_DATABASE_URL : type de base inconnu ; utilisez sqlite+aiosqlite:// ou postgresql+asyncpg:// ({})",
        "en": "BADGECLAIM_DATABASE_URL: unknown kind of database; use sqlite+aiosqlite:// or postgresql+asyncpg:// ({})",
    },
    "db_missing_driver": {
        "fr": "BADGECLAIM_DATABASE_URL : pilote asynchrone absent ; pour PostgreSQL, écrivez postgresql+asyncpg:// "
              "et installez « badgeclaim[postgres] » ({})",
        "en": "BADGECLAIM_DATABASE_URL: no async driver; for PostgreSQL write postgresql+asyncpg:// and install "
              "'badgeclaim[postgres]' ({})",
    },
    "db_unreachable": {
        "fr": "la base de données ne répond pas : vérifiez qu'elle tourne et l'adresse BADGECLAIM_DATABASE_URL ({})",
        "en": "the database does not answer: check that it runs and BADGECLAIM_DATABASE_URL ({})",
    },
    "db_no_database": {
        "fr": "cette base n'existe pas sur le serveur : créez-la (createdb) ou corrigez BADGECLAIM_DATABASE_URL ({})",
        "en": "that database does not exist on the server: create it (createdb) or fix BADGECLAIM_DATABASE_URL ({})",
    },
    "db_refused": {
        "fr": "le serveur de base de données refuse la connexion (utilisateur ou mot de passe) ({})",
        "en": "the database server refuses the connection (user or password) ({})",
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
        engine = create_engine(cli.settings.effective_database_url, must_exist=True)
        try:
            return await work(create_sessionmaker(engine))
        except Exception as error:
            problem = explain(error)
            if problem is None:
                raise
            raise problem from None
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
        except NotInitialised:
            click.echo(text("error", _language(ctx), text("not_initialised", _language(ctx))), err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            language = _language(ctx)
            problem = explain(exc)
            if problem is None:
                # A person never reads a traceback; the one line still names what broke, for a report.
                click.echo(text("error", language, text("unexpected", language, f"{type(exc).__name__}: {exc}")),
                           err=True)
                sys.exit(70)
            key = "not_initialised" if problem.reason == NOT_INITIALISED else f"db_{problem.reason}"
            click.echo(text("error", language, text(key, language, problem.detail)), err=True)
            sys.exit(1)


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
