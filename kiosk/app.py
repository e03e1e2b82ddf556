"""``create_app``: the aiohttp application, its typed state, middlewares, routes and background sweeper."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timezone
from typing import AsyncIterator, Awaitable, Callable

from aiohttp import web
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from claims.context import IssuingContext
from claims.rate_limits import forget_old_events
from kiosk import api, claim_pages, documents, kiosk_downloads, kiosk_frames, kiosk_routes, public_pages
from kiosk.console import UPLOAD_LIMITS, LinkMailer, console_middlewares, setup_console
from kiosk.claiming import WRONG_CODE
from kiosk.config import WebConfig
from kiosk.i18n import LANGUAGES, language_middleware
from kiosk.keys import WebKeys
from kiosk.middlewares import body_limit_middleware, error_middleware
from kiosk.rendering import STATIC_DIR, setup_templates
from kiosk.security import security_headers_middleware
from kiosk.state import STATE, WebState

log = logging.getLogger(__name__)
WebhookHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# The privacy page promises that a wrong code's fingerprint is gone ten minutes later, even when no
# other wrong code comes to prune it.
SWEEP_EVERY_S = 60.0
# Every limit's events, so a kiosk that stops sending leaves no rows behind either.
SWEPT_RULES = (WRONG_CODE, kiosk_frames.KIOSK_FRAMES, kiosk_routes.KIOSK_CLAIMS)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def create_app(
    config: WebConfig,
    sessionmaker: async_sessionmaker[AsyncSession],
    issuing: IssuingContext,
    *,
    clock: Callable[[], datetime] = utc_now,
    telegram_webhook: WebhookHandler | None = None,
    send_link: LinkMailer | None = None,
    password_hasher: PasswordHasher | None = None,
) -> web.Application:
    """The web app on a database the caller owns (it makes the engine and disposes of it)."""
    if config.default_language not in LANGUAGES:
        raise ValueError(f"default_language must be one of {LANGUAGES}")
    sessions, console = console_middlewares(config, sessionmaker, clock)
    app = web.Application(
        client_max_size=config.max_body_bytes,
        middlewares=[
            language_middleware(config.default_language),
            error_middleware,
            security_headers_middleware,
            body_limit_middleware(config.max_body_bytes,
                                  {**UPLOAD_LIMITS, kiosk_frames.FRAME_ROUTE: kiosk_frames.MAX_FRAME_BYTES}),
            *console,
        ],
    )
    app[STATE] = WebState(config, sessionmaker, issuing, clock, WebKeys(config.secret_key))
    setup_templates(app)
    setup_console(app, sessions, send_link, password_hasher)
    for table in (claim_pages.routes, public_pages.routes, documents.routes, api.routes, kiosk_routes.routes,
                  kiosk_frames.routes, kiosk_downloads.routes):
        app.router.add_routes(table)
    if telegram_webhook is not None:
        app.router.add_post("/telegram/webhook", telegram_webhook, name="telegram_webhook")
    app.router.add_static("/static", STATIC_DIR, name="static")
    app.on_response_prepare.append(_cache_static)
    app.cleanup_ctx.append(_rate_event_sweeper)
    return app


async def _cache_static(request: web.Request, response: web.StreamResponse) -> None:
    # Static URLs carry a digest of the file (rendering.static_urls), so a copy can be kept for a year.
    if request.path.startswith("/static/") and response.status == 200 and "v" in request.query:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"


async def _sweep_forever(app: web.Application) -> None:
    state = app[STATE]
    while True:
        try:
            async with state.sessionmaker.begin() as session:
                for rule in SWEPT_RULES:
                    await forget_old_events(session, rule, state.clock())
        except Exception:  # a database hiccup must not end the sweeper; the next round tries again
            log.warning("could not forget old rate events", exc_info=True)
        await asyncio.sleep(SWEEP_EVERY_S)


async def _rate_event_sweeper(app: web.Application) -> AsyncIterator[None]:
    task = asyncio.create_task(_sweep_forever(app), name="badgeclaim-rate-event-sweeper")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
