"""The security headers of every response, with the one Content-Security-Policy built here and nowhere else."""

from __future__ import annotations

from typing import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SELF = "'self'"
NONE = "'none'"

# Pages load only our own stylesheet, script and images: no inline script or style anywhere, so an
# injected attribute or tag can do nothing, and no third party ever learns who opened a claim page.
POLICY: dict[str, list[str]] = {
    "default-src": [NONE],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF],
    "connect-src": [SELF],
    "form-action": [SELF],
    "base-uri": [NONE],
    "frame-ancestors": [NONE],
}


def content_security_policy(policy: dict[str, list[str]] = POLICY) -> str:
    return "; ".join(" ".join([name, *values]) for name, values in sorted(policy.items()))


_CSP = content_security_policy()


@web.middleware
async def security_headers_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    set_security_headers(response)
    return response


def set_security_headers(response: web.StreamResponse) -> None:
    """Also called by the error middleware, so refusals carry the same headers as pages."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", _CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # Claim URLs carry the code: no page of ours tells another site where the person came from.
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for browsers that predate it
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
