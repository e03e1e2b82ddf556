"""Setting up: ``init`` (schema, issuer, keys), ``badge create`` and ``event create``."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from badgeclaim.cli.root import CliContext, CliError, DateTimeParam, cli, run_with_db, utcnow
from claims.i18n import N_

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
    from claims.models import Issuer


pass_cli = click.make_pass_decorator(CliContext)


def read_file(cli_ctx: CliContext, path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CliError(N_("cannot read the file {path} ({reason})"), path=path, reason=exc.strerror or exc) from None


async def initialise(
    cli_ctx: CliContext, *, name: str | None, url: str | None, email: str | None, image: bytes | None, now: datetime
) -> Issuer:
    """Migrate the schema; create the issuer and its keys the first time, update its details later."""
    from badgeclaim.database import create_engine, create_sessionmaker, migrate
    from claims.organising import set_up_issuer

    settings = cli_ctx.settings.with_secret_key(create=True)
    engine = create_engine(settings.effective_database_url)
    try:
        await migrate(engine)
        async with create_sessionmaker(engine).begin() as session:
            issuer, _ = await set_up_issuer(session, secret_key=settings.secret_key, now=now, name=name, url=url,
                                            email=email, image=image)
            return issuer
    finally:
        await engine.dispose()


@cli.command()
@click.option("--issuer-name", help="Name of the issuing organisation, as badges show it.")
@click.option("--issuer-url", help="Web site of the issuer (https://…).")
@click.option("--issuer-email", help="Contact e-mail of the issuer.")
@click.option("--issuer-image", type=click.Path(dir_okay=False, path_type=Path), help="Issuer logo (PNG or SVG).")
@pass_cli
def init(cli_ctx: CliContext, issuer_name: str | None, issuer_url: str | None, issuer_email: str | None,
         issuer_image: Path | None) -> None:
    """Create or upgrade the database, and the issuer with its signing keys.

    Safe to run again: it applies new migrations and updates the issuer's details with the options given.
    Prints the issuer id.
    """
    image = read_file(cli_ctx, issuer_image) if issuer_image else None
    issuer = asyncio.run(
        initialise(cli_ctx, name=issuer_name, url=issuer_url, email=issuer_email, image=image, now=utcnow())
    )
    click.echo(str(issuer.id))


@cli.group()
def badge() -> None:
    """Badge classes: what is awarded."""


@badge.command("create")
@click.option("--name", required=True, help="Badge name.")
@click.option("--description", required=True, help="What the badge stands for.")
@click.option("--criteria", required=True, help="What earns it (text; Markdown allowed).")
@click.option("--image", required=True, type=click.Path(dir_okay=False, path_type=Path), help="PNG or SVG image.")
@click.option("--validity-days", type=click.IntRange(min=1), help="Awards expire this many days after issue.")
@pass_cli
def badge_create(cli_ctx: CliContext, name: str, description: str, criteria: str, image: Path,
                 validity_days: int | None) -> None:
    """Create a badge class; prints its id."""
    from claims.organising import create_badge_class, get_issuer

    data = read_file(cli_ctx, image)

    async def work(sessions: async_sessionmaker[AsyncSession]) -> str:
        async with sessions.begin() as session:
            issuer = await get_issuer(session)
            made = await create_badge_class(
                session, issuer, name=name, description=description, criteria=criteria, image=data,
                validity_days=validity_days, now=utcnow(),
            )
            return str(made.id)

    click.echo(run_with_db(cli_ctx, work))


@cli.group()
def event() -> None:
    """Events: where and when badges are handed out."""


@event.command("create")
@click.option("--name", required=True, help="Event name.")
@click.option("--starts", required=True, type=DateTimeParam(),
              help="Start (ISO 8601; read in the event's time zone when it has no offset).")
@click.option("--ends", required=True, type=DateTimeParam(),
              help="End (ISO 8601; read in the event's time zone when it has no offset).")
@click.option("--place", help="Where it happens.")
@click.option("--timezone", "timezone_name", help="The event's time zone, an IANA name (default: BADGECLAIM_TIMEZONE).")
@pass_cli
def event_create(cli_ctx: CliContext, name: str, starts: datetime, ends: datetime, place: str | None,
                 timezone_name: str | None) -> None:
    """Create an event; prints its id."""
    from claims.organising import create_event, get_issuer


    async def work(sessions: async_sessionmaker[AsyncSession]) -> str:
        async with sessions.begin() as session:
            issuer = await get_issuer(session)
            made = await create_event(session, issuer, name=name, starts_at=starts, ends_at=ends, place=place,
                                      timezone=timezone_name or cli_ctx.settings.timezone, now=utcnow())
            return str(made.id)

    click.echo(run_with_db(cli_ctx, work))
