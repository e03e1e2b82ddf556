"""The root of the command line: the click group, its error handling, the async runner, date parsing."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, TypeVar

from typing import TYPE_CHECKING

import click

from badgeclaim.cli.language import HELP_OPTION_NAMES, click_speaking, translate, translate_commands
from badgeclaim.database_problems import (
    BAD_URL,
    MISSING_DRIVER,
    NO_DATABASE,
    NOT_INITIALISED,
    REFUSED,
    UNKNOWN_DIALECT,
    UNREACHABLE,
    explain,
)
from badgeclaim.settings import NotInitialised, Settings, SettingsError, load_settings
from claims.errors import ClaimError
from claims.i18n import DEFAULT_LANGUAGE, N_, negotiate
from claims.messages import message

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

T = TypeVar("T")


class CliError(Exception):
    """A failure of the command line itself (a file, an argument): an English msgid and its facts."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid.format(**params))
        self.msgid = msgid
        self.params = params


@dataclass
class CliContext:
    settings: Settings

    @property
    def language(self) -> str:
        return self.settings.language

    @property
    def timezone(self) -> str:
        return self.settings.timezone


def run_with_db(cli: CliContext, work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
    """Run ``work`` with a sessionmaker on the configured database, then close the engine."""

    # Imported here, not at the top: `badgeclaim --help` must not pay for SQLAlchemy.
    from badgeclaim.database import create_engine, create_sessionmaker

    async def main() -> T:
        # must_exist: a command run before `init` creates no database (only init and demo make one).
        engine = create_engine(cli.settings.effective_database_url, must_exist=True)
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
            self.fail(translate(language, N_("invalid date {value!r}: expected ISO 8601, e.g. 2026-12-03T09:00"),
                                value=value), param, ctx)
        return parsed


class BadgeclaimGroup(click.Group):
    """Speaks the configured language, and turns the errors a person can act on into one line on stderr."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # Settings are read before click parses anything, so that --help and click's own refusals
        # ("No such command", "Missing option") are already in the reader's language.
        try:
            settings = load_settings()
        except SettingsError as exc:
            language = negotiate(os.environ.get("BADGECLAIM_LANGUAGE"), DEFAULT_LANGUAGE)
            click.echo(error_line(language, translate(language, exc.msgid, **exc.params)), err=True)
            sys.exit(2)
        translate_commands(self, settings.language)
        kwargs.setdefault("obj", CliContext(settings))
        with click_speaking(settings.language):
            return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ClaimError as exc:
            cli = _cli_context(ctx)
            # The core may name the event's own zone; otherwise times are shown in the configured one.
            words = message(exc.code, cli.language, **{"timezone": cli.timezone, **exc.params})
            click.echo(error_line(cli.language, words), err=True)
            sys.exit(1)
        except CliError as exc:
            language = _cli_context(ctx).language
            click.echo(error_line(language, translate(language, exc.msgid, **exc.params)), err=True)
            sys.exit(1)
        except SettingsError as exc:
            language = _cli_context(ctx).language
            click.echo(error_line(language, translate(language, exc.msgid, **exc.params)), err=True)
            sys.exit(2)
        except NotInitialised:
            language = _cli_context(ctx).language
            click.echo(error_line(language, translate(language, NOT_SET_UP)), err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            language = _cli_context(ctx).language
            problem = explain(exc)
            if problem is None:
                # A person never reads a traceback; the one line still names what broke, for a report.
                words = translate(language, N_("unexpected error ({error}); nothing was half-saved. Please report it "
                                               "with the command you ran."), error=f"{type(exc).__name__}: {exc}")
                click.echo(error_line(language, words), err=True)
                sys.exit(70)
            words = translate(language, DATABASE_PROBLEMS[problem.reason], detail=problem.detail)
            click.echo(error_line(language, words), err=True)
            sys.exit(1)


NOT_SET_UP = N_("The database is not set up: run `badgeclaim init` first.")
DATABASE_PROBLEMS = {
    NOT_INITIALISED: NOT_SET_UP,
    BAD_URL: N_("BADGECLAIM_DATABASE_URL is not a valid database URL ({detail})"),
    UNKNOWN_DIALECT: N_("BADGECLAIM_DATABASE_URL: unknown kind of database; use sqlite+aiosqlite:// or "
                        "postgresql+asyncpg:// ({detail})"),
    MISSING_DRIVER: N_("BADGECLAIM_DATABASE_URL: no async driver; for PostgreSQL write postgresql+asyncpg:// and "
                       "install 'badgeclaim[postgres]' ({detail})"),
    UNREACHABLE: N_("the database does not answer: check that it runs and BADGECLAIM_DATABASE_URL ({detail})"),
    NO_DATABASE: N_("that database does not exist on the server: create it (createdb) or fix "
                    "BADGECLAIM_DATABASE_URL ({detail})"),
    REFUSED: N_("the database server refuses the connection (user or password) ({detail})"),
}


def error_line(language: str, words: str) -> str:
    # The same msgid as click's own "Error: …", so both kinds of refusal read alike.
    return translate(language, N_("Error: {message}"), message=words)


def _cli_context(ctx: click.Context) -> CliContext:
    # main() always passes one; the defaults (French, Paris) only stand in for a caller that did not.
    return ctx.find_object(CliContext) or CliContext(Settings())


@click.group(cls=BadgeclaimGroup, context_settings={"help_option_names": HELP_OPTION_NAMES})
@click.version_option(package_name="badgeclaim")
def cli() -> None:
    """badgeclaim: hand out verifiable Open Badges at events.

    Settings come from BADGECLAIM_* environment variables, then a badgeclaim.toml file (see README).
    Typical run: init, badge create, event create, codes create --pdf, then serve.
    """
