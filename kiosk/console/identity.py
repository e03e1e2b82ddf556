"""Who is signed in to the console: ``ConsoleAccount``, set on the request by the guard middleware."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from aiohttp import web

from claims.accounts import OWNER


@dataclass(frozen=True)
class ConsoleAccount:
    """The signed-in account, as loaded for this request (never the ORM row: it outlives the session)."""

    id: uuid.UUID
    issuer_id: uuid.UUID
    email: str
    role: str

    @property
    def is_owner(self) -> bool:
        return self.role == OWNER


ACCOUNT = web.RequestKey("console_account", ConsoleAccount)


def current_account(request: web.Request) -> ConsoleAccount:
    """The signed-in account; only ever called behind the middleware, which guarantees there is one."""
    return request[ACCOUNT]


def actor_of(account: ConsoleAccount) -> str:
    return f"account:{account.id}"
