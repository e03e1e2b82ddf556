"""Awards from the command line: ``claim``, ``verify``, ``revoke`` and ``awards export``."""

from __future__ import annotations

import asyncio
import csv
import io
import sys
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from badgeclaim.cli.codes import write_atomically
from badgeclaim.cli.root import CliContext, CliError, cli, run_with_db, utcnow
from badgeclaim.cli.verify_text import render_report
from badgeclaim.database import create_engine, create_sessionmaker
from claims.context import IssuingContext
from claims.i18n import N_
from claims.models import Award, BadgeClass, Event
from claims.openbadges.issuing import baked_award_image, revoke_award
from claims.openbadges.urls import BadgeUrls
from claims.openbadges.resolvers import database_resolver, http_resolver
from claims.openbadges.verify import verify_badge
from claims.organising import get_by_id
from claims.redemption import Recipient, redeem_code

pass_cli = click.make_pass_decorator(CliContext)


def issuing_context(cli_ctx: CliContext) -> IssuingContext:
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
    issuing = issuing_context(cli_ctx)

    async def work(sessions: async_sessionmaker[AsyncSession]) -> tuple[str, tuple[str, bytes] | None]:
        async with sessions.begin() as session:
            result = await redeem_code(session, code, Recipient(email=email, name=name), utcnow(),
                                       channel="cli", issuing=issuing)
            award_id = result.award.id
        image = None
        if out is not None:
            async with sessions() as session:
                image = await baked_award_image(session, award_id, public_url=issuing.public_url)
        return str(award_id), image

    award_id, image = run_with_db(cli_ctx, work)
    if out is not None and image is not None:
        mime, data = image
        wanted = ".svg" if mime == "image/svg+xml" else ".png"
        if out.suffix.lower() != wanted:
            # The award exists now; claiming again with the same e-mail gives it back with a right name.
            raise CliError(N_("award {award_id} made, but its image is a {suffix} file: give --out with that extension"),
                           award_id=award_id, suffix=wanted)
        write_atomically(out, data)
    click.echo(award_id)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_cli
def verify(cli_ctx: CliContext, file: Path) -> None:
    """Check a baked badge (.png, .svg) or a credential (.json, .jws): signatures, issuer key, expiry, revocation.

    Badges of this installation are checked against its database; others over HTTP.
    Exit status 0 only when the badge is valid, not revoked and not expired.
    """
    data = file.read_bytes()
    settings = cli_ctx.settings.with_secret_key()

    async def main() -> bool:
        engine = create_engine(settings.effective_database_url)
        now = utcnow()
        try:
            async with create_sessionmaker(engine)() as session:
                resolve = database_resolver(
                    session, public_url=settings.public_url, secret_key=settings.secret_key, now=now,
                    fallback=http_resolver,
                )
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

    async def work(sessions: async_sessionmaker[AsyncSession]) -> str:
        async with sessions.begin() as session:
            award = await get_by_id(session, Award, award_id, "award")
            await revoke_award(session, award.id, reason, utcnow())
            return str(award.id)

    click.echo(run_with_db(cli_ctx, work))


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
    urls = BadgeUrls(cli_ctx.settings.public_url)

    async def work(sessions: async_sessionmaker[AsyncSession]) -> bytes:
        async with sessions() as session:
            event = await get_by_id(session, Event, event_id, "event")
            rows = await session.execute(
                select(Award, BadgeClass.name).join(BadgeClass, Award.badge_class_id == BadgeClass.id)
                .where(Award.event_id == event.id).order_by(Award.issued_at)
            )
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(["award_id", "badge", "issued_at", "name", "email", "telegram_user_id", "channel",
                             "expires_at", "revoked_at", "verify_url"])
            for award, badge_name in rows:
                writer.writerow([
                    award.id, badge_name, award.issued_at.isoformat(), award.recipient_name or "",
                    award.recipient_email or "", award.telegram_user_id or "", award.channel,
                    award.expires_at.isoformat() if award.expires_at else "",
                    award.revoked_at.isoformat() if award.revoked_at else "", urls.award_page(award.id),
                ])
            return out.getvalue().encode("utf-8")

    write_atomically(csv_path, run_with_db(cli_ctx, work))
