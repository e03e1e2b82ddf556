"""The console's gate: every ``/organiser/…`` request is signed in and every form is genuine, or refused.

API for console pages (used by every kiosk/console module):

- ``console_middleware`` (installed by ``create_app``) runs for every path under ``/organiser``:
  an unsafe method (POST…) must carry the CSRF token (form field ``csrf`` or header ``X-CSRF-Token``),
  else a 403 page; a route whose name is not in ``PUBLIC_ROUTES`` needs a signed-in, active account,
  else a 303 to ``/organiser/login?next=…``. Nothing to decorate: a new page is guarded by its path.
- ``current_account(request) -> ConsoleAccount`` (id, issuer_id, email, role, is_owner) in a handler, and
  ``actor_of(account)``, the audit log's ``actor`` (``account:<id>``): both in kiosk.console.identity.
- ``@owner_only`` on a handler: an organiser gets a 403 page.
- ``await get_own(session, Model, raw_id, account)``: the row of a model with an ``issuer_id`` column
  (BadgeClass, Event, Account), or ``web.HTTPNotFound`` when it is missing, the id is malformed, or it
  belongs to another issuer (a 404, not a 403: another issuer's ids are not confirmed to exist).
  ``require_own(issuer_id, account)`` does the same check for a row reached another way (an award or a
  kiosk through its event).
"""

from __future__ import annotations

import uuid
from typing import Awaitable, Callable, TypeVar
from urllib.parse import quote

from aiohttp import web
from aiohttp_session import get_session
from sqlalchemy.ext.asyncio import AsyncSession

from claims.models import Account
from kiosk.console.identity import ACCOUNT, ConsoleAccount, current_account
from kiosk.console.layout import render_console
from kiosk.console.sessions import ACCOUNT_ID
from kiosk.csrf import CSRF_FIELD, form_is_genuine
from kiosk.middlewares import WebRefusal
from kiosk.state import state_of

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Row = TypeVar("Row")

CONSOLE_PREFIX = "/organiser"
LOGIN_PATH = "/organiser/login"
CSRF_HEADER = "X-CSRF-Token"
# Route names a person reaches before signing in.
PUBLIC_ROUTES = frozenset({
    "console_login", "console_login_submit", "console_password", "console_password_submit", "console_forgot",
    "console_forgot_submit",
})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_console_path(path: str) -> bool:
    return path == CONSOLE_PREFIX or path.startswith(CONSOLE_PREFIX + "/")


def login_redirect(request: web.Request) -> web.HTTPSeeOther:
    target = request.path_qs if request.method == "GET" else request.path
    return web.HTTPSeeOther(f"{LOGIN_PATH}?next={quote(target, safe='')}")


async def _genuine(request: web.Request) -> bool:
    key = state_of(request).keys.csrf
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None and request.content_type in _FORM_TYPES:
        value = (await request.post()).get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    return form_is_genuine(request, key, submitted)


async def load_account(request: web.Request) -> ConsoleAccount | None:
    """The account of this request's session, None when nobody (or a disabled account) is signed in."""
    session = await get_session(request)
    raw = session.get(ACCOUNT_ID)
    if not raw:
        return None
    try:
        account_id = uuid.UUID(str(raw))
    except ValueError:
        session.invalidate()
        return None
    async with state_of(request).sessionmaker() as db:
        row = await db.get(Account, account_id)
        if row is None or row.disabled_at is not None:
            session.invalidate()
            return None
        return ConsoleAccount(row.id, row.issuer_id, row.email, row.role)


@web.middleware
async def console_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not is_console_path(request.path):
        return await handler(request)
    if request.method not in _SAFE_METHODS and not await _genuine(request):
        raise WebRefusal(403)
    if request.match_info.route.name not in PUBLIC_ROUTES:
        account = await load_account(request)
        if account is None:
            raise login_redirect(request)
        request[ACCOUNT] = account
    response = await handler(request)
    # Console pages show an issuer's data: no shared cache may keep them.
    response.headers["Cache-Control"] = "no-store"
    return response


def owner_only(handler: Handler) -> Handler:
    """For the issuer's owner alone; an organiser gets a 403 page."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        if not current_account(request).is_owner:
            return render_console(request, "organiser/owner_only.html", {}, status=403)
        return await handler(request)

    guarded.__name__ = handler.__name__
    guarded.__doc__ = handler.__doc__
    return guarded


def require_own(issuer_id: uuid.UUID | None, account: ConsoleAccount) -> None:
    """A 404 unless the object belongs to the account's issuer."""
    if issuer_id != account.issuer_id:
        raise web.HTTPNotFound()


def parse_id(raw_id: str) -> uuid.UUID:
    """A UUID from the URL, else a 404 (a malformed id names nothing)."""
    try:
        return uuid.UUID(raw_id)
    except ValueError:
        raise web.HTTPNotFound() from None


async def get_own(session: AsyncSession, model: type[Row], raw_id: str, account: ConsoleAccount) -> Row:
    """The row of ``model`` (which has an ``issuer_id``) with this id, if it is the account's issuer's; else 404."""
    row = await session.get(model, parse_id(raw_id))
    if row is None:
        raise web.HTTPNotFound()
    require_own(getattr(row, "issuer_id"), account)
    return row
