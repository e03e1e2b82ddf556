"""One claim attempt from the web, shared by the API and the phone page: the wrong-code limit, display
tokens, and the transaction around the core."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import datetime, timedelta
from typing import Awaitable, Callable, TypeVar

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from claims import errors
from claims.display_tokens import looks_like_display_token, make_display_token, open_display_token
from claims.errors import ClaimError
from claims.rate_limits import RateRule, check_rate, count_event
from kiosk.keys import WebKeys
from kiosk.state import state_of

T = TypeVar("T")

# 70-bit codes cannot be guessed at any rate; the limit is there to keep scanners from filling logs and
# the database. It must stay generous because a whole venue often shares one public address (its Wi-Fi).
WRONG_CODE = RateRule("wrong_code", limit=30, window=timedelta(minutes=10))
WRONG_CODES = frozenset({errors.UNKNOWN_CODE, errors.CODE_TYPO, errors.DISPLAY_TOKEN_INVALID})

# A display token lives one or two minutes; the form it opens must outlive the typing of a name.
TICKET_PERIOD_S = 600


def client_address(request: web.Request) -> str:
    """The address a limit counts: the client's, with an IPv6 client's whole /64 counted as one."""
    remote = request.remote or ""
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return remote
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def client_key(request: web.Request, keys: WebKeys) -> str:
    """A keyed hash of the client's address: the table never holds an address, and without the secret
    nobody can test an address against it."""
    return hmac.new(keys.rate_limit, client_address(request).encode("utf-8"), hashlib.sha256).hexdigest()


def open_claim_text(text: str, keys: WebKeys, now: datetime) -> tuple[str, bool]:
    """(code text, whether it came through a valid display token) for what the person scanned or typed."""
    if looks_like_display_token(text):
        return open_display_token(keys.display_token, text, now), True
    return text, False


def make_ticket(keys: WebKeys, code: str, now: datetime) -> str:
    """What the claim form of a display token carries, so the claim works after the token has rotated."""
    return make_display_token(keys.claim_ticket, code, now, period_s=TICKET_PERIOD_S)


def open_ticket(keys: WebKeys, ticket: str, now: datetime) -> str:
    return open_display_token(keys.claim_ticket, ticket, now, period_s=TICKET_PERIOD_S)


async def attempt(request: web.Request, now: datetime, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction, unless this client has sent too many wrong codes lately.

    A wrong code (unknown, mistyped, a forged display token) is counted in a transaction of its own
    after the claim's has rolled back, so every process sharing the database sees it.
    """
    state = state_of(request)
    key = client_key(request, state.keys)
    try:
        async with state.sessionmaker.begin() as session:
            await check_rate(session, WRONG_CODE, key, now)
            return await work(session)
    except ClaimError as refusal:
        if refusal.code in WRONG_CODES:
            async with state.sessionmaker.begin() as session:
                await count_event(session, WRONG_CODE, key, now)
        raise
