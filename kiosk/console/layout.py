"""Rendering console pages: the layout's values (account, navigation, CSRF token) added to every page.

``render_console(request, "organiser/<page>.html", {...}, status=200)`` renders a template that extends
``organiser/layout.html`` (which extends the site's ``base.html``). Every page then has ``account`` (the
``ConsoleAccount``, or None on the sign-in pages), ``csrf_token`` for its forms (``{{ forms.csrf() }}``
from ``organiser/forms.html`` writes the hidden field), ``nav`` (the menu: only the sections whose route
exists and that the account may open) and ``section`` (the menu entry to mark as current: pass it in the
context, e.g. ``{"section": "badges"}``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from aiohttp import web

from kiosk.console.identity import ACCOUNT, ConsoleAccount
from kiosk.csrf import form_token
from kiosk.i18n import LANGUAGE, N_, translate
from kiosk.rendering import render
from kiosk.state import state_of


@dataclass(frozen=True)
class Section:
    key: str
    route: str  # the route name of the section's first page
    label: str  # English msgid
    owner_only: bool = False


# The menu, in order. A section shows once its route is registered, so the pages of another module
# (events, kiosks…) appear in the menu as soon as their routes are added.
SECTIONS = (
    Section("events", "console_events", N_("Events")),
    Section("badges", "console_badges", N_("Badges")),
    Section("issuer", "console_issuer", N_("Issuer")),
    Section("accounts", "console_accounts", N_("Organisers"), owner_only=True),
)


@dataclass(frozen=True)
class NavItem:
    key: str
    url: str
    label: str


def navigation(request: web.Request, account: ConsoleAccount | None) -> list[NavItem]:
    if account is None:
        return []
    named = request.app.router.named_resources()
    language = request[LANGUAGE]
    return [NavItem(s.key, named[s.route].url_for().path, translate(language, s.label)) for s in SECTIONS
            if s.route in named and (account.is_owner or not s.owner_only)]


def render_console(
    request: web.Request, template: str, context: Mapping[str, Any] | None = None, *, status: int = 200
) -> web.Response:
    account = request.get(ACCOUNT)
    values: dict[str, Any] = {
        "account": account,
        "csrf_token": form_token(request, state_of(request).keys.csrf),
        "nav": navigation(request, account),
        "section": "",
    }
    values.update(context or {})
    return render(request, template, values, status=status)
