"""CSRF protection of every form: a random cookie and, in the form, its HMAC under the app's CSRF key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from aiohttp import web

CSRF_COOKIE = "badgeclaim_csrf"
CSRF_FIELD = "csrf"
CSRF_TOKEN = web.RequestKey("csrf_token", str)
_NEW_COOKIE = web.RequestKey("csrf_new_cookie", str)


def _sign(key: bytes, cookie: str) -> str:
    digest = hmac.new(key, b"badgeclaim csrf\x00" + cookie.encode("ascii", "replace"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def form_token(request: web.Request, key: bytes) -> str:
    """The token a form of this request carries; sets the cookie on the response when there is none.

    The form's value is a MAC of the cookie, not a copy: a cookie planted from a sibling sub-domain
    then gives an attacker nothing to put in a form, because only we can sign it.
    """
    if CSRF_TOKEN in request:
        return request[CSRF_TOKEN]
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if len(cookie) < 32:
        cookie = secrets.token_urlsafe(32)
        request[_NEW_COOKIE] = cookie
    request[CSRF_TOKEN] = _sign(key, cookie)
    return request[CSRF_TOKEN]


def set_csrf_cookie(request: web.Request, response: web.StreamResponse) -> None:
    cookie = request.get(_NEW_COOKIE)
    if cookie:
        # Lax, not Strict: a person following the QR from the camera app arrives as a top-level GET
        # and must get a form that works. HttpOnly: no script needs it.
        response.set_cookie(CSRF_COOKIE, cookie, path="/", httponly=True, samesite="Lax", secure=request.secure)


def form_is_genuine(request: web.Request, key: bytes, submitted: str | None) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if len(cookie) < 32 or not submitted:
        return False
    return hmac.compare_digest(_sign(key, cookie), submitted)
