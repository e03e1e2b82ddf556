"""``kiosk create`` and ``kiosk revoke``: the URLs that open a kiosk page at the door of an event."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from badgeclaim.cli.root import CliContext, cli, run_with_db, utcnow

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

pass_cli = click.make_pass_decorator(CliContext)
ACTOR = "cli"


@cli.group()
def kiosk() -> None:
    """Kiosks: a tablet or laptop at the door that reads cards and hands out badges."""


@kiosk.command("create")
@click.option("--event", "event_id", required=True, help="Event id (from `event create`).")
@click.option("--display", "display_code",
              help="Display mode: show this display-only multi-use code (codes create --max-claims N "
                   "--display-only) as a rotating QR for phones, instead of reading cards.")
@click.option("--label", help="A name for this kiosk, e.g. where it stands (100 characters at most).")
@pass_cli
def kiosk_create(cli_ctx: CliContext, event_id: str, display_code: str | None, label: str | None) -> None:
    """Create a kiosk for an event; prints its URL (open it in the kiosk's browser, keep it private)."""
    from claims.kiosks import create_kiosk, kiosk_url

    async def work(sessions: async_sessionmaker[AsyncSession]) -> str:
        async with sessions.begin() as session:
            _, token = await create_kiosk(session, event_id, utcnow(), display_code=display_code, actor=ACTOR,
                                          label=label)
        return token

    click.echo(kiosk_url(cli_ctx.settings.public_url, run_with_db(cli_ctx, work)))


@kiosk.command("revoke")
@click.argument("token_or_url")
@pass_cli
def kiosk_revoke(cli_ctx: CliContext, token_or_url: str) -> None:
    """End a kiosk at once (TOKEN or its whole URL): its page shows "kiosk closed" within seconds."""
    from claims.kiosks import revoke_kiosk

    async def work(sessions: async_sessionmaker[AsyncSession]) -> str:
        async with sessions.begin() as session:
            return str((await revoke_kiosk(session, token_or_url, utcnow(), ACTOR)).id)

    click.echo(run_with_db(cli_ctx, work))
