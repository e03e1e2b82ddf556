"""``codes create``: batches of single-use cards or one multi-use poster code, as CSV and printable PDF."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from badgeclaim.cli.language import translate
from badgeclaim.cli.root import CliContext, CliError, DateTimeParam, cli, run_with_db, utcnow
from claims.codes import format_code
from claims.i18n import N_

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
    from claims.models import BadgeClass, Event


pass_cli = click.make_pass_decorator(CliContext)


def write_atomically(path: Path, data: bytes) -> None:
    """Write next to the target, then rename: a failed run never leaves half a PDF behind. A folder that
    does not exist or cannot be written is a CliError, worded for the person."""
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CliError(N_("cannot write the file {path} ({reason})"), path=path, reason=exc.strerror or exc) from None


def claim_links(cli_ctx: CliContext, codes: list[str], target: str) -> list[str]:
    """What each code's QR carries, with this installation's public URL or Telegram bot."""
    from claims.code_printing import claim_links as links_of

    settings = cli_ctx.settings
    return links_of(codes, public_url=settings.public_url, target=target, bot_username=settings.telegram_bot_username)


def render_pdf(cli_ctx: CliContext, event: Event, badge: BadgeClass, codes: list[str], *, multi: bool,
               target: str, page_size: str, per_page: int, valid: tuple[datetime, datetime]) -> bytes:
    from claims.code_printing import codes_pdf

    links = claim_links(cli_ctx, codes, target)
    if multi:
        return codes_pdf(event, badge, codes, links, multi=True, valid=valid, page_size=page_size)
    label = translate(cli_ctx.language, N_("Laying out the cards"))
    with click.progressbar(length=len(codes), label=label, file=sys.stderr) as bar:
        done = 0

        def advance(total: int) -> None:
            nonlocal done
            bar.update(total - done)
            done = total

        try:
            return codes_pdf(event, badge, codes, links, multi=False, valid=valid, page_size=page_size,
                             per_page=per_page, progress=advance)
        except ValueError as exc:  # e.g. a --per-page that makes no full grid of legible cards
            raise CliError(N_("cannot lay out the cards: {reason}"), reason=exc) from None


def render_csv(cli_ctx: CliContext, codes: list[str], target: str) -> bytes:
    from claims.code_printing import codes_csv

    return codes_csv(codes, claim_links(cli_ctx, codes, target))


@cli.group()
def codes() -> None:
    """Claim codes: printed cards (single-use) and posters (multi-use)."""


@codes.command("create")
@click.option("--event", "event_id", required=True, help="Event id (from `event create`).")
@click.option("--badge", "badge_id", required=True, help="Badge id (from `badge create`).")
@click.option("--count", type=int, help="Number of single-use codes (cards) to make.")
@click.option("--max-claims", type=int, help="Make ONE multi-use code (a poster) good for this many people.")
@click.option("--valid-from", type=DateTimeParam(), help="Claims open (default: 1 h before the event starts).")
@click.option("--valid-until", type=DateTimeParam(), help="Claims close (default: 1 day after the event ends).")
@click.option("--target", type=click.Choice(["web", "telegram"]), default="web", show_default=True,
              help="What the QR opens: the phone claim page, or the Telegram bot.")
@click.option("--pdf", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write printable cards (or the poster, for --max-claims) to this PDF.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write code, grouped code and claim URL to this CSV.")
@click.option("--page-size", type=click.Choice(["A4", "LETTER", "A3"], case_sensitive=False), default="A4",
              show_default=True, help="Paper for --pdf (A3: posters only).")
@click.option("--per-page", type=click.IntRange(1, 40), default=12, show_default=True, help="Cards per page.")
@click.option("--display-only", is_flag=True,
              help="With --max-claims: the code is shown only as a kiosk's rotating QR and cannot be typed.")
@pass_cli
def codes_create(cli_ctx: CliContext, event_id: str, badge_id: str, count: int | None, max_claims: int | None,
                 valid_from: datetime | None, valid_until: datetime | None, target: str, pdf: Path | None,
                 csv_path: Path | None, page_size: str, per_page: int, display_only: bool) -> None:
    """Create claim codes; prints one code per line (grouped, as printed)."""
    from claims.models import BadgeClass, Event
    from claims.organising import claim_window, create_codes, get_by_id

    page_size = page_size.upper()
    if page_size == "A3" and max_claims is None:
        raise click.BadParameter(translate(cli_ctx.language, N_("A3 is for posters (--max-claims)")),
                                 param_hint="--page-size")

    if target == "telegram":  # fail before anything is written, not after
        claim_links(cli_ctx, [""], target)

    written: list[Path] = []

    async def work(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
        # Render and write first, commit last: codes that could not be printed must not exist.
        async with sessions.begin() as session:
            event = await get_by_id(session, Event, event_id, "event")
            badge = await get_by_id(session, BadgeClass, badge_id, "badge")
            label = translate(cli_ctx.language, N_("Making the codes"))
            with click.progressbar(length=count or 1, label=label, file=sys.stderr) as bar:
                made = await create_codes(
                    session, event, badge, count=count, max_claims=max_claims, valid_from=valid_from,
                    valid_until=valid_until, target=target, display_only=display_only, now=utcnow(),
                    progress=bar.update,
                )
            if csv_path is not None:
                write_atomically(csv_path, render_csv(cli_ctx, made, target))
                written.append(csv_path)
            if pdf is not None:
                pdf_data = render_pdf(cli_ctx, event, badge, made, multi=max_claims is not None, target=target,
                                      page_size=page_size, per_page=per_page,
                                      valid=claim_window(event, valid_from, valid_until))
                write_atomically(pdf, pdf_data)
                written.append(pdf)
            return made

    try:
        made = run_with_db(cli_ctx, work)
    except BaseException:
        for path in written:  # the codes were rolled back: files naming them would be lies
            path.unlink(missing_ok=True)
        raise
    for code in made:
        click.echo(format_code(code))
