"""``badgeclaim serve``: run the web app and the delivery workers until SIGTERM or Ctrl-C, errors in one line."""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Callable

import click

from badgeclaim.cli.language import translate
from badgeclaim.cli.root import CliContext, cli, error_line
from badgeclaim.settings import Settings
from claims.i18n import N_

if TYPE_CHECKING:  # badgeclaim.serve loads aiohttp, SQLAlchemy and the web app: only `serve` and `demo` need them
    from badgeclaim.serve import AppFactory, Listening

pass_cli = click.make_pass_decorator(CliContext)

REFUSALS = {  # by badgeclaim.serve.ServeError code
    "address_in_use": N_("cannot listen on {host}:{port} ({reason}): is the port already taken? Choose another "
                         "with --port"),
    "telegram_unavailable": N_("the Telegram Bot API at {url} refused the bot or did not answer ({reason}): check "
                               "BADGECLAIM_TELEGRAM_TOKEN and BADGECLAIM_TELEGRAM_API_URL"),
}

HOST_HELP = N_("Address to listen on (default BADGECLAIM_HOST, 127.0.0.1: this machine only). Give 0.0.0.0 so that "
               "a phone on the same Wi-Fi network can open the claim pages.")
PORT_HELP = N_("Port to listen on (default BADGECLAIM_PORT, 8080).")


def run_server(settings: Settings, *, app_factory: AppFactory | None = None,
               on_ready: Callable[[Listening], None] | None = None) -> int:
    """Serve in a fresh event loop until a signal stops it; the exit status (1 with one line on stderr).

    ``app_factory`` defaults to the real web app. A database that cannot be used raises DatabaseProblem,
    which the command group words.
    """
    from badgeclaim.serve import ServeError, kiosk_app, serve

    language = settings.language
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    def ready(listening: Listening) -> None:
        click.echo(translate(language, N_("badgeclaim is listening on {url} (public address: {public}). Ctrl-C to "
                                          "stop."), url=listening.url, public=settings.public_url), err=True)
        click.echo(translate(language, N_("E-mail delivery: on.") if "email" in listening.channels
                             else N_("E-mail delivery: off (BADGECLAIM_SMTP_URL is not set).")), err=True)
        click.echo(translate(language, N_("Telegram bot: on, {bot}."), bot=listening.telegram) if listening.telegram
                   else translate(language, N_("Telegram bot: off (BADGECLAIM_TELEGRAM_TOKEN is not set).")), err=True)
        if on_ready is not None:
            on_ready(listening)

    try:
        asyncio.run(serve(settings, app_factory=app_factory or kiosk_app, on_ready=ready))
    except ServeError as exc:
        click.echo(error_line(language, translate(language, REFUSALS[exc.code], **exc.params)), err=True)
        return 1
    click.echo(translate(language, N_("badgeclaim has stopped.")), err=True)
    return 0


@cli.command("serve")
@click.option("--host", help=HOST_HELP)
@click.option("--port", type=click.IntRange(1, 65535), help=PORT_HELP)
@pass_cli
def serve_command(cli_ctx: CliContext, host: str | None, port: int | None) -> None:
    """Run the web app and the delivery workers until SIGTERM or Ctrl-C.

    E-mail delivery runs when BADGECLAIM_SMTP_URL is set, the Telegram bot when BADGECLAIM_TELEGRAM_TOKEN is
    (BADGECLAIM_TELEGRAM_MODE: polling, or webhook at PUBLIC_URL/telegram/webhook). On SIGTERM or Ctrl-C it stops accepting
    connections, lets requests in flight finish and each worker end its current send, then exits 0.
    With --host 0.0.0.0, set BADGECLAIM_PUBLIC_URL to http://<this machine's address>:<port> so that
    the QR codes point where phones can reach.
    """
    settings = replace(cli_ctx.settings, host=host or cli_ctx.settings.host, port=port or cli_ctx.settings.port)
    sys.exit(run_server(settings))
