"""A person's data from the command line: ``forget`` erases it, their badges staying verifiable."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from badgeclaim.cli.root import CliContext, cli, run_with_db, utcnow
from claims.i18n import ngettext

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


pass_cli = click.make_pass_decorator(CliContext)


@cli.command()
@click.option("--email", help="The person's e-mail address.")
@click.option("--telegram-id", type=int, help="The person's Telegram user id.")
@pass_cli
def forget(cli_ctx: CliContext, email: str | None, telegram_id: int | None) -> None:
    """Erase a person's data (e-mail, name, Telegram account) from every award and pending delivery.

    Give exactly one of --email and --telegram-id. Their badges stay verifiable: the published documents
    keep the same hashed identity. Prints how many awards were cleared.
    """
    from claims.erasure import forget_person

    async def work(sessions: async_sessionmaker[AsyncSession]) -> int:
        async with sessions.begin() as session:
            report = await forget_person(session, utcnow(), email=email, telegram_user_id=telegram_id, actor="cli")
            return report.awards

    cleared = run_with_db(cli_ctx, work)
    words = ngettext(cli_ctx.language, "{count} award cleared.", "{count} awards cleared.", cleared)
    click.echo(words.format(count=cleared))
