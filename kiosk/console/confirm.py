"""The second step of a destructive console action: a page that asks, then the same POST confirmed.

A handler of a destructive POST does::

    form = await request.post()
    if not confirmed(form):
        return confirmation_page(request, question=..., action=request.path, fields={"reason": ...},
                                 cancel_url=..., button=N_("Revoke"))
    ...do it, audit it, redirect...

The page re-posts the given fields with ``confirmed=yes`` (and the CSRF token) to ``action``.
"""

from __future__ import annotations

from typing import Any, Mapping

from aiohttp import web

from kiosk.console.forms import text
from kiosk.console.layout import render_console
from kiosk.i18n import LANGUAGE, translate

CONFIRM_FIELD = "confirmed"


def confirmed(form: Any) -> bool:
    return text(form, CONFIRM_FIELD, 10) == "yes"


def confirmation_page(
    request: web.Request, *, question: str, action: str, cancel_url: str, button: str,
    fields: Mapping[str, str] | None = None, details: str = "", details_msgid: str = "", section: str = "",
) -> web.Response:
    """``question``, ``button`` and ``details_msgid`` are English msgids (translated here); ``details`` is
    already in the reader's language (e.g. the name of what is about to go)."""
    language = request[LANGUAGE]
    if details_msgid:
        details = translate(language, details_msgid)
    return render_console(request, "organiser/confirm.html", {
        "question": translate(language, question), "details": details, "action": action,
        "fields": dict(fields or {}), "cancel_url": cancel_url, "button": translate(language, button),
        "section": section,
    })
