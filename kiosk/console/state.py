"""The console's typed state under its own ``web.AppKey``: the session storage and the link mailer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Awaitable, Callable

from aiohttp import web
from argon2 import PasswordHasher

from kiosk.console.sessions import WebSessionStorage

# Why a link is sent: the mail's words differ (a welcome, or a reset someone asked for).
WELCOME = "welcome"
RESET = "reset"


@dataclass(frozen=True)
class LinkMail:
    """A one-time set-password link to e-mail to ``to``, in ``language``."""

    to: str
    url: str
    purpose: str  # WELCOME | RESET
    language: str
    issuer_name: str


# Injected by the composition root (badgeclaim.serve) when SMTP is set: kiosk never imports badgeclaim.
LinkMailer = Callable[[LinkMail], Awaitable[None]]


@dataclass(frozen=True)
class ConsoleState:
    sessions: WebSessionStorage
    send_link: LinkMailer | None
    hasher: PasswordHasher


CONSOLE = web.AppKey("badgeclaim_console_state", ConsoleState)


def console_state(request: web.Request) -> ConsoleState:
    return request.app[CONSOLE]
