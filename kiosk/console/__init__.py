"""The organiser console under ``/organiser/``: accounts and sessions, the issuer, badge classes (and the
event pages built on the same framework).

How a console page is built (the framework; see each module's docstring):

- ``kiosk.console.guard``: ``console_middleware`` signs every ``/organiser`` request in (or redirects to
  the login page) and refuses an unsafe method without the CSRF token; ``owner_only``; ``get_own`` and
  ``require_own`` (404 for another issuer's objects); ``parse_id``.
- ``kiosk.console.identity``: ``current_account(request)`` -> ``ConsoleAccount``; ``actor_of(account)`` for
  the audit log (``claims.audit.record(..., actor=actor_of(account), issuer_id=account.issuer_id)``).
- ``kiosk.console.layout``: ``render_console(request, "organiser/x.html", {...})``; templates extend
  ``organiser/layout.html`` (block ``content``) and use the macros of ``organiser/forms.html``
  (``forms.csrf(csrf_token)``, ``forms.field(...)`` with the error beside the field); the menu
  (``SECTIONS``) shows a section once its route name is registered.
- ``kiosk.console.forms``: ``text(form, name, limit)`` and ``FormErrors`` (messages beside fields).
- ``kiosk.console.confirm``: ``confirmation_page`` / ``confirmed`` for a destructive action's second step.
- ``kiosk.console.sessions``: the aiohttp-session storage on the ``web_sessions`` table.
- ``kiosk.console.state``: ``CONSOLE`` (typed app state): the session storage and the injected link mailer.

A module of pages exposes ``routes`` (a ``web.RouteTableDef``, route names ``console_…``) and is listed
in ``PAGE_MODULES`` below; an upload route gets a larger body limit in ``UPLOAD_LIMITS``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from aiohttp import web
from aiohttp_session import session_middleware
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from claims.accounts import default_hasher
from kiosk.config import WebConfig
from kiosk.console import (
    account_pages, auth_pages, awards, badge_pages, codes, dashboard, events, issuer_pages, kiosks, telegram,
)
from kiosk.console.guard import console_middleware
from kiosk.console.live import LIVE_STREAMS, LiveStreams
from kiosk.console.sessions import WebSessionStorage
from kiosk.console.uploads import UPLOAD_BODY_BYTES
from kiosk.console.state import CONSOLE, ConsoleState, LinkMail, LinkMailer

__all__ = ["LinkMail", "LinkMailer", "PAGE_MODULES", "UPLOAD_LIMITS", "console_middlewares", "setup_console"]

PAGE_MODULES = (auth_pages, issuer_pages, badge_pages, account_pages, events, codes, kiosks, awards, telegram,
                dashboard)
# Route name -> the body size it accepts (the app's limit is small; an image form needs more).
UPLOAD_LIMITS: dict[str, int] = {
    "console_issuer_submit": UPLOAD_BODY_BYTES,
    "console_badge_create": UPLOAD_BODY_BYTES,
    "console_badge_update": UPLOAD_BODY_BYTES,
}


def console_middlewares(config: WebConfig, sessionmaker: async_sessionmaker[AsyncSession],
                        clock: Callable[[], datetime]) -> tuple[WebSessionStorage, list[web.Middleware]]:
    """The session storage and the middlewares that go innermost in the app (after the body limit)."""
    storage = WebSessionStorage(sessionmaker, clock, secure=config.public_url.startswith("https://"))
    return storage, [session_middleware(storage), console_middleware]


def setup_console(app: web.Application, storage: WebSessionStorage, send_link: LinkMailer | None,
                  hasher: PasswordHasher | None = None) -> None:
    app[CONSOLE] = ConsoleState(storage, send_link, hasher or default_hasher())
    app[LIVE_STREAMS] = LiveStreams()
    for module in PAGE_MODULES:
        app.router.add_routes(module.routes)
