"""Where verification fetches documents from: our own URLs from the database, any other over HTTP."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from claims.errors import NOT_FOUND, ClaimError
from claims.openbadges.documents import document_for_path, parse_json_body
from claims.openbadges.urls import BadgeUrls

# resolve(url) -> the JSON object served there (a 410 Gone body included, since OB 2.0 revocation is one),
# or None when nothing usable is there.
Resolve = Callable[[str], Awaitable[dict[str, Any] | None]]

MAX_RESPONSE_BYTES = 1024 * 1024
TIMEOUT_SECONDS = 10.0
_ACCEPT = "application/ld+json, application/vc+ld+json, application/did+json, application/json;q=0.9"


def database_resolver(
    session: AsyncSession,
    *,
    public_url: str,
    secret_key: str,
    now: datetime,
    fallback: Resolve | None = None,
) -> Resolve:
    """Serve our own URLs exactly as the web app would, from ``session``; hand the others to ``fallback``."""
    urls = BadgeUrls(public_url)

    async def resolve(url: str) -> dict[str, Any] | None:
        if urls.parse(url) is None:
            return await fallback(url) if fallback is not None else None
        try:
            served = await document_for_path(
                session, url, public_url=public_url, secret_key=secret_key, now=now
            )
        except ClaimError as exc:
            if exc.code == NOT_FOUND:
                return None
            raise
        return parse_json_body(served) if served.status in (200, 410) else None

    return resolve


class _WebRedirectsOnly(urllib.request.HTTPRedirectHandler):
    # urllib would follow a redirect to ftp:// too; a badge document only ever lives on the web.
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if not newurl.startswith(("https://", "http://")):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _get(url: str, timeout: float, max_bytes: int) -> dict[str, Any] | None:
    request = urllib.request.Request(url, headers={"Accept": _ACCEPT, "User-Agent": "badgeclaim-verify"})
    try:
        with urllib.request.build_opener(_WebRedirectsOnly()).open(request, timeout=timeout) as response:
            body = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        if exc.code != 410:
            return None
        body = exc.read(max_bytes + 1)
    except (urllib.error.URLError, OSError, ValueError):
        return None
    if len(body) > max_bytes:
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


async def http_resolver(url: str) -> dict[str, Any] | None:
    """GET a JSON document over http(s), bounded in size and time; None for anything unusable."""
    if not url.startswith(("https://", "http://")):
        return None
    return await asyncio.to_thread(_get, url, TIMEOUT_SECONDS, MAX_RESPONSE_BYTES)
