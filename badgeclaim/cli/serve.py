"""``badgeclaim serve``: run the web app and the delivery workers until SIGTERM or Ctrl-C, errors in one line."""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import replace
from typing import Callable

import click

from badgeclaim.cli.root import CliContext, cli, text
from badgeclaim.serve import (
    ADDRESS_IN_USE,
    WEB_APP_MISSING,
    AppFactory,
    Listening,
    ServeError,
    kiosk_app,
    serve,
)
from badgeclaim.settings import Settings

pass_cli = click.make_pass_decorator(CliContext)

TEXTS: dict[str, dict[str, str]] = {
    ADDRESS_IN_USE: {
        "fr": "impossible d'écouter sur {host}:{port} ({reason}) : le port est-il déjà pris ? Choisissez-en un autre "
              "avec --port",
        "en": "cannot listen on {host}:{port} ({reason}): is the port already taken? Choose another with --port",
    },
    WEB_APP_MISSING: {
        "fr": "l'application web (kiosk) n'est pas installée avec ce badgeclaim",
        "en": "the web app (kiosk) is not installed with this badgeclaim",
    },
    "listening": {
        "fr": "badgeclaim écoute sur {url} (adresse publique : {public}). Ctrl-C pour arrêter.",
        "en": "badgeclaim is listening on {url} (public address: {public}). Ctrl-C to stop.",
    },
    "email_on": {"fr": "Envoi des badges par e-mail : activé.", "en": "E-mail delivery: on."},
    "email_off": {
        "fr": "Envoi des badges par e-mail : désactivé (BADGECLAIM_SMTP_URL n'est pas réglé).",
        "en": "E-mail delivery: off (BADGECLAIM_SMTP_URL is not set).",
    },
    "stopped": {"fr": "badgeclaim est arrêté.", "en": "badgeclaim has stopped."},
}


def say(key: str, language: str, **params: object) -> str:
    table = TEXTS[key]
    return table.get(language, table["fr"]).format(**params)


def run_server(settings: Settings, *, app_factory: AppFactory = kiosk_app,
               on_ready: Callable[[Listening], None] | None = None) -> int:
    """Serve in a fresh event loop until a signal stops it; the exit status (1 with one line on stderr).

    A database that cannot be used raises DatabaseProblem, which the command group words.
    """
    language = settings.language
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    def ready(listening: Listening) -> None:
        click.echo(say("listening", language, url=listening.url, public=settings.public_url), err=True)
        click.echo(say("email_on" if "email" in listening.channels else "email_off", language), err=True)
        if on_ready is not None:
            on_ready(listening)

    try:
        asyncio.run(serve(settings, app_factory=app_factory, on_ready=ready))
    except ServeError as exc:
        click.echo(text("error", language, say(exc.code, language, **exc.params)), err=True)
        return 1
    click.echo(say("stopped", language), err=True)
    return 0


HOST_HELP = ("Address to listen on (default BADGECLAIM_HOST, 127.0.0.1: this machine only). Give 0.0.0.0 so that "
             "a phone on the same Wi-Fi network can open the claim pages, and set BADGECLAIM_PUBLIC_URL to "
             "http://<this machine's address>:<port> so the QR codes point there.")


@cli.command("serve")
@click.option("--host", help=HOST_HELP)
@click.option("--port", type=click.IntRange(1, 65535), help="Port to listen on (default BADGECLAIM_PORT, 8080).")
@pass_cli
def serve_command(cli_ctx: CliContext, host: str | None, port: int | None) -> None:
    """Run the web app and the delivery workers until SIGTERM or Ctrl-C.

    E-mail delivery runs when BADGECLAIM_SMTP_URL is set. On SIGTERM/SIGINT it stops accepting connections,
    lets requests in flight finish, lets each worker end its current send, then exits 0.
    """
    settings = replace(cli_ctx.settings, host=host or cli_ctx.settings.host, port=port or cli_ctx.settings.port)
    sys.exit(run_server(settings))
