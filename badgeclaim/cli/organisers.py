"""``event organisers``: the Telegram accounts that may see an event's statistics and print its codes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Awaitable, Callable

import click

from badgeclaim.cli.language import translate
from badgeclaim.cli.root import CliContext, cli, run_with_db, utcnow
from badgeclaim.cli.setup import event
from claims.i18n import N_, format_when

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


pass_cli = click.make_pass_decorator(CliContext)
EVENT_HELP = N_("Event id.")
TELEGRAM_ID_HELP = N_("The organiser's Telegram user id (a number; @userinfobot tells it).")


@event.group()
def organisers() -> None:
    """Telegram organisers of an event: they get its statistics and codes from the bot."""


def _change(cli_ctx: CliContext, event_id: str, telegram_id: int, change: Callable[..., Awaitable[bool]]) -> bool:
    """Run ``change`` (add_organiser or remove_organiser) on the event named by ``event_id``."""
    from claims.models import Event
    from claims.organising import get_by_id

    async def work(sessions: async_sessionmaker[AsyncSession]) -> bool:
        async with sessions.begin() as session:
            found = await get_by_id(session, Event, event_id, "event")
            return await change(session, found.id, telegram_id, utcnow(), actor="cli")

    return run_with_db(cli_ctx, work)


@organisers.command("add")
@click.option("--event", "event_id", required=True, help=EVENT_HELP)
@click.option("--telegram-id", required=True, type=int, help=TELEGRAM_ID_HELP)
@pass_cli
def organisers_add(cli_ctx: CliContext, event_id: str, telegram_id: int) -> None:
    """Let a Telegram account organise the event."""
    from claims.event_organisers import add_organiser

    added = _change(cli_ctx, event_id, telegram_id, add_organiser)
    words = N_("{telegram_id} now organises this event.") if added else \
        N_("{telegram_id} already organised this event.")
    click.echo(translate(cli_ctx.language, words, telegram_id=telegram_id))


@organisers.command("remove")
@click.option("--event", "event_id", required=True, help=EVENT_HELP)
@click.option("--telegram-id", required=True, type=int, help=TELEGRAM_ID_HELP)
@pass_cli
def organisers_remove(cli_ctx: CliContext, event_id: str, telegram_id: int) -> None:
    """Stop a Telegram account from organising the event."""
    from claims.event_organisers import remove_organiser

    removed = _change(cli_ctx, event_id, telegram_id, remove_organiser)
    words = N_("{telegram_id} no longer organises this event.") if removed else \
        N_("{telegram_id} did not organise this event.")
    click.echo(translate(cli_ctx.language, words, telegram_id=telegram_id))


@organisers.command("list")
@click.option("--event", "event_id", required=True, help=EVENT_HELP)
@pass_cli
def organisers_list(cli_ctx: CliContext, event_id: str) -> None:
    """Print the event's Telegram organisers: their id and since when, one a line."""
    from claims.event_organisers import list_organisers
    from claims.models import Event
    from claims.organising import get_by_id

    async def work(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[int, object]]:
        async with sessions() as session:
            found = await get_by_id(session, Event, event_id, "event")
            return [(o.telegram_user_id, o.added_at) for o in await list_organisers(session, found.id)]

    for telegram_id, added_at in run_with_db(cli_ctx, work):
        click.echo(f"{telegram_id}\t{format_when(added_at, cli_ctx.language, cli_ctx.timezone)}")


@organisers.command("link")
@click.option("--event", "event_id", required=True, help=EVENT_HELP)
@pass_cli
def organisers_link(cli_ctx: CliContext, event_id: str) -> None:
    """Make a one-time link (valid 2 days) that makes whoever opens it in Telegram an organiser.

    Prints the t.me link when BADGECLAIM_TELEGRAM_BOT_USERNAME is set, else the token alone.
    """
    from claims.event_organisers import create_organiser_link
    from claims.models import Event
    from claims.organising import get_by_id

    async def work(sessions: async_sessionmaker[AsyncSession]) -> str:
        async with sessions.begin() as session:
            found = await get_by_id(session, Event, event_id, "event")
            return await create_organiser_link(session, found.id, utcnow(), actor="cli")

    token = run_with_db(cli_ctx, work)
    bot = cli_ctx.settings.telegram_bot_username.lstrip("@")
    click.echo(f"https://t.me/{bot}?start=org_{token}" if bot else token)
