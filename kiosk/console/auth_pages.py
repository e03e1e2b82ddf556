"""Signing in and out of the console, choosing a password from a one-time link, and asking for a new link.

Failed sign-ins are counted per account and per client address (claims.rate_limits, so every process
counts alike); past the limit the form says when to try again, whether or not the password is right.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import timedelta

from aiohttp import web

from claims import errors
from claims.accounts import (
    authenticate,
    open_password_link,
    password_link_path,
    request_password_reset,
    set_password_with_link,
)
from claims.errors import ClaimError
from claims.i18n import N_
from claims.models import Issuer
from claims.rate_limits import RateRule, check_rate, count_event
from kiosk.claiming import client_key
from kiosk.console.forms import FormErrors, text
from kiosk.console.guard import LOGIN_PATH, is_console_path
from kiosk.console.layout import SECTIONS, render_console
from kiosk.console.sessions import begin_login, end_login
from kiosk.console.state import RESET, LinkMail, console_state
from kiosk.i18n import LANGUAGE, refusal_text
from kiosk.state import state_of

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

# A person mistypes a few times; a guesser needs millions of tries. Per address it stays higher, since a
# whole school or venue may share one.
LOGIN_BY_ACCOUNT = RateRule("console_login_account", limit=5, window=timedelta(minutes=15))
LOGIN_BY_ADDRESS = RateRule("console_login_address", limit=20, window=timedelta(minutes=15))
# Reset links cost a mail each: a form submitted in a loop must not fill someone's mailbox.
RESET_BY_ADDRESS = RateRule("console_reset_address", limit=10, window=timedelta(hours=1))
THROTTLED = N_("Too many failed attempts: try again in %(minutes)s min.")


def _account_key(request: web.Request, email: str) -> str:
    """A keyed hash of the typed address: the rate table never holds an e-mail address."""
    typed = email.strip().lower().encode("utf-8")
    return hmac.new(state_of(request).keys.rate_limit, b"console account\x00" + typed, hashlib.sha256).hexdigest()


def _safe_next(target: str) -> str:
    """Only a console path of ours: never another site (``//evil.example``) after signing in."""
    if is_console_path(target.split("?", 1)[0]) and not target.startswith("//") and "\\" not in target:
        return target
    return "/organiser/"


def _login_page(request: web.Request, *, email: str = "", next_: str = "", errors_: FormErrors | None = None,
                status: int = 200) -> web.Response:
    return render_console(request, "organiser/login.html", {
        "values": {"email": email}, "errors": errors_ or FormErrors(), "next": next_,
    }, status=status)


@routes.get("/organiser", name="console_root")
@routes.get("/organiser/", name="console_home")
async def home(request: web.Request) -> web.Response:
    named = request.app.router.named_resources()
    first = next(s.route for s in SECTIONS if s.route in named)
    raise web.HTTPSeeOther(named[first].url_for().path)


@routes.get("/organiser/login", name="console_login")
async def login_page(request: web.Request) -> web.Response:
    return _login_page(request, next_=_safe_next(request.query.get("next", "")))


@routes.post("/organiser/login", name="console_login_submit")
async def login_submit(request: web.Request) -> web.Response:
    state = state_of(request)
    form = await request.post()
    email, password = text(form, "email", 320), text(form, "password", 1024)
    next_ = _safe_next(text(form, "next", 2000))
    now = state.clock()
    keys = (LOGIN_BY_ACCOUNT, _account_key(request, email)), (LOGIN_BY_ADDRESS, client_key(request, state.keys))
    problems = FormErrors()
    try:
        async with state.sessionmaker.begin() as db:
            for rule, key in keys:
                await check_rate(db, rule, key, now)
            account = await authenticate(db, email, password, now, console_state(request).hasher)
    except ClaimError as refusal:
        if refusal.code == errors.RATE_LIMITED:
            problems.add(request, "form", THROTTLED, minutes=refusal.params["minutes"])
            response = _login_page(request, email=email, next_=next_, errors_=problems, status=429)
            response.headers["Retry-After"] = str(refusal.params["retry_after"])
            return response
        if refusal.code != errors.LOGIN_FAILED:
            raise
        async with state.sessionmaker.begin() as db:
            for rule, key in keys:
                await count_event(db, rule, key, now)
        problems.add_refusal(request, refusal)
        return _login_page(request, email=email, next_=next_, errors_=problems, status=401)
    console = console_state(request)
    await begin_login(request, console.sessions, account.id)
    async with state.sessionmaker.begin() as db:
        await console.sessions.forget_expired(db)
    raise web.HTTPSeeOther(next_)


@routes.post("/organiser/logout", name="console_logout")
async def logout(request: web.Request) -> web.Response:
    await end_login(request)
    raise web.HTTPSeeOther(LOGIN_PATH)


def _link_invalid(request: web.Request, refusal: ClaimError) -> web.Response:
    message = refusal_text(refusal.code, refusal.params, request[LANGUAGE], state_of(request).config.timezone)
    return render_console(request, "organiser/link_invalid.html", {"message": message}, status=410)


def _password_page(request: web.Request, token: str, email: str, errors_: FormErrors | None = None,
                   status: int = 200) -> web.Response:
    return render_console(request, "organiser/password.html", {
        "email": email, "action": password_link_path(token), "errors": errors_ or FormErrors(),
    }, status=status)


@routes.get("/organiser/password/{token}", name="console_password")
async def password_page(request: web.Request) -> web.Response:
    state = state_of(request)
    token = request.match_info["token"]
    try:
        async with state.sessionmaker() as db:
            account = await open_password_link(db, token, state.clock())
            email = account.email
    except ClaimError as refusal:
        return _link_invalid(request, refusal)
    return _password_page(request, token, email)


@routes.post("/organiser/password/{token}", name="console_password_submit")
async def password_submit(request: web.Request) -> web.Response:
    state = state_of(request)
    token = request.match_info["token"]
    form = await request.post()
    password, confirm = text(form, "password", 2048), text(form, "confirm", 2048)
    now = state.clock()
    problems = FormErrors()
    try:
        async with state.sessionmaker.begin() as db:
            account = await open_password_link(db, token, now)
            email = account.email
            if password != confirm:
                problems.add(request, "confirm", N_("The two passwords differ: type the same one twice."))
            else:
                account = await set_password_with_link(db, token, password, now, console_state(request).hasher)
    except ClaimError as refusal:
        if refusal.code == errors.INVALID_INPUT:
            problems.add_refusal(request, refusal, fields=("password",))
            return _password_page(request, token, email, problems, status=422)
        return _link_invalid(request, refusal)
    if problems:
        return _password_page(request, token, email, problems, status=422)
    # The person just proved they hold the link: they are signed in, without typing the password again.
    await begin_login(request, console_state(request).sessions, account.id)
    raise web.HTTPSeeOther("/organiser/")


@routes.get("/organiser/forgot-password", name="console_forgot")
async def forgot_page(request: web.Request) -> web.Response:
    return render_console(request, "organiser/forgot.html", {
        "sent": False, "values": {"email": ""}, "errors": FormErrors()})


@routes.post("/organiser/forgot-password", name="console_forgot_submit")
async def forgot_submit(request: web.Request) -> web.Response:
    state = state_of(request)
    form = await request.post()
    email = text(form, "email", 320)
    now = state.clock()
    address_key = client_key(request, state.keys)
    try:
        async with state.sessionmaker.begin() as db:
            await check_rate(db, RESET_BY_ADDRESS, address_key, now)
            await count_event(db, RESET_BY_ADDRESS, address_key, now)
            link = await request_password_reset(db, email, now)
            issuer = await db.get(Issuer, link.account.issuer_id) if link else None
            mail = LinkMail(
                to=link.account.email, url=state.config.public_url + password_link_path(link.token), purpose=RESET,
                language=request[LANGUAGE], issuer_name=issuer.name if issuer else "",
            ) if link else None
    except ClaimError as refusal:
        if refusal.code != errors.RATE_LIMITED:
            raise
        problems = FormErrors()
        problems.add(request, "email", THROTTLED, minutes=refusal.params["minutes"])
        return render_console(request, "organiser/forgot.html", {
            "sent": False, "values": {"email": email}, "errors": problems}, status=429)
    if mail is not None:
        await deliver_link(request, mail)
    # The same page whether or not the address has an account: it does not tell who has one.
    return render_console(request, "organiser/forgot.html", {
        "sent": True, "values": {"email": ""}, "errors": FormErrors()})


async def deliver_link(request: web.Request, mail: LinkMail) -> bool:
    """E-mail the link when SMTP is set, else write it to the log for the operator; True when mailed."""
    sender = console_state(request).send_link
    if sender is None:
        log.warning("SMTP is not set: give this set-password link to its owner yourself: %s", mail.url)
        return False
    try:
        await sender(mail)
    except Exception:  # the page must still answer; the operator finds the link in the log
        log.exception("could not e-mail a set-password link; here it is: %s", mail.url)
        return False
    return True

