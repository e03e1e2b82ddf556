"""``serve``: the web app and the delivery workers in one event loop, stopped cleanly by SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import signal
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterator

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from badgeclaim.account_mail import link_mailer
from badgeclaim.database import NOT_INITIALISED, DatabaseProblem, create_engine, create_sessionmaker, explain
from badgeclaim.mail import CHANNEL as EMAIL, EmailSender, SmtpServer
from badgeclaim.settings import Settings
from claims.context import IssuingContext
from claims.models import Issuer
from claims.outbox import Sender, run_worker
from kiosk import WebConfig, create_app

log = logging.getLogger(__name__)

AppFactory = Callable[[Settings, async_sessionmaker[AsyncSession], IssuingContext, Callable[[], datetime]], web.Application]

# Why serve could not start, besides the database (DatabaseProblem); the CLI words each for the person.
ADDRESS_IN_USE = "address_in_use"


class ServeError(Exception):
    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def kiosk_app(settings: Settings, sessions: async_sessionmaker[AsyncSession], issuing: IssuingContext,
              clock: Callable[[], datetime]) -> web.Application:
    """The real web app (kiosk.create_app) configured from the settings."""
    config = WebConfig(
        public_url=settings.public_url, default_language=settings.language, timezone=settings.timezone,
        secret_key=settings.secret_key, telegram_bot_username=settings.telegram_bot_username,
        email_enabled=bool(settings.smtp_url),
    )
    return create_app(config, sessions, issuing, clock=clock,
                      send_link=link_mailer(settings.smtp_url, settings.smtp_from, clock))


def worker_owner() -> str:
    """A lease owner name unique to this worker, readable in the database (host, pid)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


def senders_for(settings: Settings, sessions: async_sessionmaker[AsyncSession], issuing: IssuingContext,
                clock: Callable[[], datetime]) -> dict[str, Sender]:
    """One sender per configured channel: e-mail when SMTP is set (the bot adds Telegram's)."""
    senders: dict[str, Sender] = {}
    if settings.smtp_url:
        senders[EMAIL] = EmailSender(SmtpServer.from_url(settings.smtp_url), settings.smtp_from, sessions, issuing,
                                     clock)
    return senders


async def check_database(engine: AsyncEngine) -> None:
    """Refuse to start on a database that does not answer or was never set up by ``badgeclaim init``:
    DatabaseProblem, which the CLI words like every other command's."""
    try:
        async with engine.connect() as conn:
            issuer = (await conn.execute(select(Issuer.id).limit(1))).first()
    except Exception as error:
        problem = explain(error)
        if problem is None:
            raise
        raise problem from None
    if issuer is None:
        raise DatabaseProblem(NOT_INITIALISED, "no issuer")


@contextlib.contextmanager
def stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        yield
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


@dataclass(frozen=True)
class Listening:
    """What ``serve`` tells its caller once it accepts requests."""

    url: str  # where this process listens (not PUBLIC_URL, which may be a proxy in front of it)
    channels: tuple[str, ...]  # the delivery channels with a worker


async def serve(
    settings: Settings,
    *,
    app_factory: AppFactory = kiosk_app,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[Listening], None] | None = None,
    handle_signals: bool = True,
    clock: Callable[[], datetime] = utcnow,
    shutdown_timeout: float = 30.0,
) -> None:
    """Serve until ``stop`` is set (SIGTERM/SIGINT set it when ``handle_signals``), then shut down cleanly.

    Shutting down: the listening socket closes first, requests in flight get up to ``shutdown_timeout``
    seconds to finish, each worker ends after its current send and releases the rest of its batch, and the
    engine is disposed last, once nothing uses it. Raises ServeError before serving when it cannot start.
    """
    settings = settings.with_secret_key()
    stop = stop or asyncio.Event()
    # Handlers first: a SIGTERM during start-up must still end in a clean shutdown, not a killed process.
    with stop_on_signals(stop) if handle_signals else contextlib.nullcontext():
        engine = create_engine(settings.effective_database_url, must_exist=True)
        try:
            await check_database(engine)
            sessions = create_sessionmaker(engine)
            issuing = IssuingContext(settings.public_url, settings.secret_key, settings.ob2_verification == "signed")
            await _run(settings, sessions, issuing, app_factory(settings, sessions, issuing, clock), stop, on_ready,
                       clock, shutdown_timeout)
        finally:
            await engine.dispose()


async def _run(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], issuing: IssuingContext, app: web.Application,
    stop: asyncio.Event, on_ready: Callable[[Listening], None] | None, clock: Callable[[], datetime],
    shutdown_timeout: float,
) -> None:
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=shutdown_timeout)
    await runner.setup()
    workers: list[asyncio.Task[None]] = []
    try:
        site = web.TCPSite(runner, settings.host, settings.port)
        try:
            await site.start()
        except OSError as exc:
            raise ServeError(ADDRESS_IN_USE, host=settings.host, port=settings.port,
                             reason=exc.strerror or str(exc)) from None
        senders = senders_for(settings, sessions, issuing, clock)
        for channel, sender in senders.items():
            workers.append(asyncio.create_task(
                run_worker(sessions, {channel: sender}, clock, owner=worker_owner(), stop=stop),
                name=f"outbox-{channel}",
            ))
        if on_ready is not None:
            on_ready(Listening(f"http://{settings.host}:{settings.port}", tuple(senders)))
        await stop.wait()
    finally:
        stop.set()
        # Both at once: the socket closes and requests finish while the workers end their current send.
        await asyncio.gather(runner.cleanup(), *workers)
