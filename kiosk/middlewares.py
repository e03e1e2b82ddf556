"""The one error middleware (a page or the JSON error shape, in the request's language, never a traceback)
and the early refusal of oversized bodies."""

from __future__ import annotations

import logging
import re
from typing import Awaitable, Callable, Mapping

from aiohttp import web

from claims import errors
from claims.errors import ClaimError
from kiosk.i18n import LANGUAGE, N_, refusal_text, translate
from kiosk.rendering import render
from kiosk.security import set_security_headers
from kiosk.state import STATE

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# The HTTP status of each refusal of the core (README "HTTP API").
STATUS_OF: dict[str, int] = {
    errors.UNKNOWN_CODE: 404,
    errors.CODE_TYPO: 422,  # the check character proves it was mistyped: fix the input, nothing is missing
    errors.CODE_USED: 409,
    errors.CODE_EXPIRED: 410,
    errors.CODE_NOT_YET_VALID: 409,
    errors.CODE_INACTIVE: 410,
    errors.EVENT_CLOSED: 410,
    errors.INVALID_INPUT: 422,
    errors.NOT_FOUND: 404,
    errors.DISPLAY_TOKEN_INVALID: 404,
    errors.DISPLAY_TOKEN_EXPIRED: 410,
    errors.DISPLAY_ONLY: 403,
    errors.RATE_LIMITED: 429,
    errors.KIOSK_CLOSED: 404,
}

# Refusals of the web edge itself (not of the core): HTTP status -> (code, English msgid).
HTTP_REFUSALS: dict[int, tuple[str, str]] = {
    400: ("bad_request", N_("The request could not be read.")),
    403: ("csrf_failed", N_("This form has expired. Reload the page and send it again.")),
    404: ("not_found", N_("Nothing lives at this address. Check the link, or scan the code again.")),
    405: ("method_not_allowed", N_("This address does not take that kind of request.")),
    413: ("body_too_large", N_("What was sent is too large.")),
    415: ("unsupported_media_type", N_("Send the request as JSON (Content-Type: application/json).")),
    500: ("server_error", N_("Something went wrong on our side. Try again in a moment.")),
    503: ("unavailable", N_("The service is not available right now. Try again in a moment.")),
}

_HEADINGS = {404: N_("Not found"), 429: N_("Please wait a moment"), 500: N_("Sorry")}
_JSON_PREFIXES = ("/api/", "/ob2/", "/ob3/", "/.well-known/", "/healthz")
# The kiosk page's own calls: JSON whatever the browser's Accept header says.
_KIOSK_CALLS = re.compile(r"^/kiosk/[^/]+/(status|frames|claims)$")


class WebRefusal(Exception):
    """A refusal of the web edge with an HTTP status from ``HTTP_REFUSALS``."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def wants_json(request: web.Request) -> bool:
    if request.path.startswith(_JSON_PREFIXES) or _KIOSK_CALLS.match(request.path):
        return True
    accept = request.headers.get("Accept", "")
    return "json" in accept and "text/html" not in accept


def error_response(
    request: web.Request, status: int, code: str, text: str, *, headers: dict[str, str] | None = None
) -> web.Response:
    """``{"error": {"code", "message"}}`` for API and document clients, a page for people."""
    language = request.get(LANGUAGE, "fr")
    if wants_json(request):
        response: web.Response = web.json_response({"error": {"code": code, "message": text}}, status=status)
        response.headers["Cache-Control"] = "no-store"
    else:
        heading = translate(language, _HEADINGS.get(status, N_("Something is not right")))
        response = render(request, "error.html", {"heading": heading, "message": text, "back_url": "",
                                                  "back_label": ""}, status=status)
    response.headers.update(headers or {})
    set_security_headers(response)
    return response


def claim_error_response(request: web.Request, error: ClaimError) -> web.Response:
    status = STATUS_OF.get(error.code, 422)
    headers = {"Retry-After": str(error.params["retry_after"])} if error.code == errors.RATE_LIMITED else None
    default_timezone = request.app[STATE].config.timezone
    text = refusal_text(error.code, error.params, request.get(LANGUAGE, "fr"), default_timezone)
    return error_response(request, status, error.code, text, headers=headers)


def refusal_response(request: web.Request, status: int) -> web.Response:
    code, msgid = HTTP_REFUSALS.get(status, HTTP_REFUSALS[400] if status < 500 else HTTP_REFUSALS[500])
    return error_response(request, status, code, translate(request.get(LANGUAGE, "fr"), msgid))


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ClaimError as error:
        return claim_error_response(request, error)
    except WebRefusal as refusal:
        return refusal_response(request, refusal.status)
    except web.HTTPException as exc:
        if exc.status < 400:
            set_security_headers(exc)
            raise  # redirects and 304s are answers, not errors
        response = refusal_response(request, exc.status)
        if exc.status == 405 and "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except Exception:
        # Logged with its traceback for the operator; the person reads one sentence.
        log.exception("unhandled error on %s %s", request.method, request.path)
        return refusal_response(request, 500)


def body_limit_middleware(
    max_bytes: int, larger: Mapping[str, int] | None = None
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """Refuse a body over ``max_bytes``, or over ``larger[route name]`` for the few routes that take uploads."""
    larger = dict(larger or {})

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        limit = larger.get(request.match_info.route.name or "", max_bytes)
        # Refused on the announced length, before a byte of the body is read; a chunked body with no
        # length is cut off by client_max_size while it is read.
        if request.content_length is not None and request.content_length > limit:
            raise WebRefusal(413)
        if limit != max_bytes:
            request = request.clone(client_max_size=limit)
        return await handler(request)

    return middleware
