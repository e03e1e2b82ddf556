"""Awards from the command line: ``claim``, ``verify``, ``revoke`` and ``awards export``."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from badgeclaim.cli.codes import write_atomically
from badgeclaim.cli.language import translate
from badgeclaim.cli.root import CliContext, CliError, cli, run_with_db, utcnow
from badgeclaim.settings import NotInitialised
from claims.i18n import N_, format_when

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
    from claims.awards import Revocation
    from claims.context import IssuingContext


pass_cli = click.make_pass_decorator(CliContext)


def issuing_context(cli_ctx: CliContext) -> IssuingContext:
    from claims.context import IssuingContext

    settings = cli_ctx.settings.with_secret_key()
    return IssuingContext(settings.public_url, settings.secret_key, settings.ob2_verification == "signed")


@cli.command()
@click.argument("code")
@click.option("--email", help="Recipient's e-mail (stored hashed in the badge).")
@click.option("--name", help="Recipient's name as shown on the award page.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write the baked badge image here (PNG, or SVG for SVG badges).")
@pass_cli
def claim(cli_ctx: CliContext, code: str, email: str | None, name: str | None, out: Path | None) -> None:
    """Claim CODE (a code or a claim URL) for someone; prints the award id.

    Claiming again with the same e-mail gives back the same award.
    """
    from claims.awards import bake_award, material_for
    from claims.redemption import Recipient, redeem_code

    issuing = issuing_context(cli_ctx)

    async def work(sessions: async_sessionmaker[AsyncSession]) -> str:
        # The image is baked and written inside the claim's transaction: if either fails (a wrong file
        # name, a missing folder), the claim is rolled back whole and the card stays unused.
        async with sessions.begin() as session:
            result = await redeem_code(session, code, Recipient(email=email, name=name), utcnow(),
                                       channel="cli", issuing=issuing)
            if out is not None:
                material = result.material or await material_for(session, issuing, result.award.badge_class_id)
                mime, data = bake_award(result.award, material, issuing.urls)
                wanted = ".svg" if mime == "image/svg+xml" else ".png"
                if out.suffix.lower() != wanted:
                    raise CliError(N_("this badge's image is a {suffix} file: give --out with that extension "
                                      "(nothing was awarded)"), suffix=wanted)
                write_atomically(out, data)
            return str(result.award.id)

    click.echo(run_with_db(cli_ctx, work))


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_cli
def verify(cli_ctx: CliContext, file: Path) -> None:
    """Check a baked badge (.png, .svg) or a credential (.json, .jws): signatures, issuer key, expiry, revocation.

    Badges of this installation are checked against its database; others over HTTP.
    Exit status 0 only when the badge is valid, not revoked and not expired.
    """
    from badgeclaim.cli.verify_text import render_report
    from badgeclaim.database import NOT_INITIALISED, DatabaseProblem, create_engine, create_sessionmaker
    from claims.context import IssuingContext
    from claims.openbadges.resolvers import http_resolver
    from claims.openbadges.verify import verify_badge
    from claims.publishing import database_resolver

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CliError(N_("cannot read the file {path} ({reason})"), path=file, reason=exc.strerror or exc) from None
    settings = cli_ctx.settings
    now = utcnow()

    async def main() -> bool:
        try:
            settings_with_key = settings.with_secret_key()
            engine = create_engine(settings.effective_database_url, must_exist=True)
        except (NotInitialised, DatabaseProblem) as exc:
            if isinstance(exc, DatabaseProblem) and exc.reason != NOT_INITIALISED:
                raise
            # No installation here: anyone may check anyone's badge, over HTTP alone.
            report = await verify_badge(data, resolve=http_resolver, now=now)
        else:
            try:
                async with create_sessionmaker(engine)() as session:
                    issuing = IssuingContext(settings.public_url, settings_with_key.secret_key)
                    resolve = database_resolver(session, issuing=issuing, now=now, fallback=http_resolver)
                    report = await verify_badge(data, resolve=resolve, now=now)
            finally:
                await engine.dispose()
        click.echo(render_report(report, settings.language, settings.timezone))
        return report.ok

    sys.exit(0 if asyncio.run(main()) else 1)


@cli.command()
@click.argument("award_id")
@click.option("--reason", help="Why (shown to verifiers).")
@pass_cli
def revoke(cli_ctx: CliContext, award_id: str, reason: str | None) -> None:
    """Revoke an award: its OB 2.0 assertion answers 410 and its OB 3.0 status bit is set."""
    from claims.awards import revoke_award
    from claims.models import Award
    from claims.organising import get_by_id


    async def work(sessions: async_sessionmaker[AsyncSession]) -> Revocation:
        async with sessions.begin() as session:
            award = await get_by_id(session, Award, award_id, "award")
            return await revoke_award(session, award.id, reason, utcnow())

    done = run_with_db(cli_ctx, work)
    if done.already:
        # Exit 0: the award is revoked, as asked; what verifiers were told stays as it was.
        revoked_at = done.award.revoked_at
        assert revoked_at is not None
        click.echo(translate(cli_ctx.language, N_("{award_id} was already revoked on {date}; reason kept: {reason}"),
                             award_id=done.award.id, date=format_when(revoked_at, cli_ctx.language, cli_ctx.timezone),
                             reason=done.award.revocation_reason or "-"), err=True)
    click.echo(str(done.award.id))


@cli.group()
def awards() -> None:
    """Awards given out."""


@awards.command("export")
@click.option("--event", "event_id", required=True, help="Event id.")
@click.option("--csv", "csv_path", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Where to write the CSV.")
@pass_cli
def awards_export(cli_ctx: CliContext, event_id: str, csv_path: Path) -> None:
    """Write the event's awards to a CSV (organiser's eyes only: it holds e-mail addresses)."""
    from claims.models import Event
    from claims.openbadges.urls import BadgeUrls
    from claims.organising import awards_csv, get_by_id

    urls = BadgeUrls(cli_ctx.settings.public_url)

    async def work(sessions: async_sessionmaker[AsyncSession]) -> bytes:
        async with sessions() as session:
            event = await get_by_id(session, Event, event_id, "event")
            return await awards_csv(session, event, urls)

    write_atomically(csv_path, run_with_db(cli_ctx, work))
