"""``organiser add``: a console account and its one-time set-password link (printed, and e-mailed when SMTP is set)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import click

from badgeclaim.cli.language import translate
from badgeclaim.cli.root import CliContext, cli, run_with_db, utcnow
from claims.i18n import N_

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

pass_cli = click.make_pass_decorator(CliContext)


@cli.group()
def organiser() -> None:
    """Organiser console accounts."""


@organiser.command("add")
@click.argument("email")
@click.option("--issuer", "issuer_id", help="Issuer id (default: this installation's issuer).")
@click.option("--role", type=click.Choice(["owner", "organiser"]), default="organiser", show_default=True,
              help="An owner also manages the issuer and its organisers.")
@pass_cli
def organiser_add(cli_ctx: CliContext, email: str, issuer_id: str | None, role: str) -> None:
    """Create a console account; prints its one-time set-password link (valid 48 hours)."""
    from badgeclaim.account_mail import link_mailer
    from claims.accounts import create_account, password_link_path
    from claims.models import Issuer
    from claims.organising import get_by_id, get_issuer
    from kiosk.console.state import WELCOME, LinkMail

    settings = cli_ctx.settings

    async def work(sessions: async_sessionmaker[AsyncSession]) -> tuple[str, str, str]:
        async with sessions.begin() as session:
            issuer = await (get_by_id(session, Issuer, issuer_id, "issuer") if issuer_id else get_issuer(session))
            link = await create_account(session, issuer.id, email, role, utcnow(), actor="cli")
            return link.account.email, link.token, issuer.name

    address, token, issuer_name = run_with_db(cli_ctx, work)
    url = settings.public_url.rstrip("/") + password_link_path(token)
    click.echo(url)
    send = link_mailer(settings.smtp_url, settings.smtp_from, utcnow)
    if send is None:
        return
    mail = LinkMail(to=address, url=url, purpose=WELCOME, language=cli_ctx.language, issuer_name=issuer_name)
    try:
        asyncio.run(send(mail))
    except Exception as exc:  # the account exists and the link is printed: say why no mail left, do not fail
        click.echo(translate(cli_ctx.language, N_("The link could not be e-mailed ({error}): give it to {email} "
                                                  "yourself."), error=exc.__class__.__name__, email=address), err=True)
        return
    click.echo(translate(cli_ctx.language, N_("Link e-mailed to {email}."), email=address), err=True)
