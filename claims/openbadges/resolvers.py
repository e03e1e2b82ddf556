"""Where verification fetches documents from: the resolver type, and fetching over HTTP (bounded)."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from typing import Any


# resolve(url) -> the JSON object served there (a 410 Gone body included, since OB 2.0 revocation is one),
# or None when nothing usable is there.
Resolve = Callable[[str], Awaitable[dict[str, Any] | None]]

MAX_RESPONSE_BYTES = 1024 * 1024
TIMEOUT_SECONDS = 10.0
_ACCEPT = (
    "application/ld+json, application/vc+ld+json, application/did+json, application/jwk+json, "
    "application/json;q=0.9"
)


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
