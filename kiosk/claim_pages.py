"""The phone claim pages: ``/c/{code}`` (the form, then the claim), the page after it, and typing a code.

Built for a cheap phone on a weak connection: plain HTML forms that work with JavaScript off, one small
stylesheet, and a hidden nonce so a double tap or a resent form gives the same award.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from claims import errors
from claims.codes import CODE_LENGTH, format_code, is_deep_link_safe, normalise_code
from claims.errors import ClaimError
from claims.redemption import CodePreview, Recipient, normalise_email, preview_code, redeem_code
from kiosk.award_view import load_award_view, parse_award_id
from kiosk.claiming import attempt, make_ticket, open_claim_text, open_ticket
from kiosk.csrf import form_is_genuine, form_token
from kiosk.i18n import LANGUAGE, N_, format_span, refusal_text, translate, zone
from kiosk.middlewares import STATUS_OF
from kiosk.rendering import render
from kiosk.state import state_of

routes = web.RouteTableDef()

_MAX_FIELD = 320

# What a person can do next, after each refusal (English msgids).
_CHECK_CODE = (N_("Check the code"), [N_("If it still does not work, ask the organiser for help.")])
_SCAN_AGAIN = (N_("Scan the screen again"), [N_("Scan the QR code shown on the screen right now.")])
_ASK = [N_("Ask the organiser: they can give you another code.")]
_NEXT: dict[str, tuple[str, list[str]]] = {
    errors.UNKNOWN_CODE: _CHECK_CODE,
    errors.CODE_TYPO: _CHECK_CODE,
    errors.INVALID_INPUT: _CHECK_CODE,
    errors.CODE_USED: (N_("Code already used"), [
        N_("If you have already received this badge, it is in your downloads or your e-mail."), *_ASK]),
    errors.CODE_EXPIRED: (N_("Code no longer valid"), _ASK),
    errors.EVENT_CLOSED: (N_("Code no longer valid"), _ASK),
    errors.CODE_INACTIVE: (N_("Code no longer valid"), _ASK),
    errors.CODE_NOT_YET_VALID: (N_("Not open yet"), [N_("Come back then, or ask the organiser.")]),
    errors.DISPLAY_TOKEN_INVALID: _SCAN_AGAIN,
    errors.DISPLAY_TOKEN_EXPIRED: _SCAN_AGAIN,
    errors.DISPLAY_ONLY: _SCAN_AGAIN,
    errors.RATE_LIMITED: (N_("Please wait a moment"), [N_("Then try again with the code on your card.")]),
}
_OFFER_CODE_FORM = {errors.UNKNOWN_CODE, errors.CODE_TYPO, errors.INVALID_INPUT}


def problem_page(request: web.Request, refusal: ClaimError, typed: str = "") -> web.Response:
    """A refusal as a page with a way forward, not an error screen."""
    language = request[LANGUAGE]
    heading, steps = _NEXT.get(refusal.code, _CHECK_CODE)
    response = render(request, "problem.html", {
        "heading": translate(language, heading),
        "message": refusal_text(refusal.code, refusal.params, language, state_of(request).config.timezone),
        "next_steps": [translate(language, step) for step in steps],
        "offer_code_form": refusal.code in _OFFER_CODE_FORM,
        "typed": _grouped(typed) if refusal.code == errors.CODE_TYPO else "",
    }, status=STATUS_OF.get(refusal.code, 422))
    if refusal.code == errors.RATE_LIMITED:
        response.headers["Retry-After"] = str(refusal.params["retry_after"])
    return response


def _grouped(typed: str) -> str:
    """What was typed, grouped as on the card when it has a code's length, so a typo is easier to spot."""
    code = normalise_code(typed[:64])
    return format_code(code) if len(code) == CODE_LENGTH else typed[:64]


def _type_code_page(request: web.Request) -> web.Response:
    language = request[LANGUAGE]
    return render(request, "problem.html", {
        "heading": translate(language, N_("Get your badge")),
        "message": translate(language, N_("Type the code printed on your card.")),
        "next_steps": [], "offer_code_form": True, "typed": "",
    })


@routes.get("/", name="home")
async def home(request: web.Request) -> web.Response:
    return _type_code_page(request)


@routes.get("/c", name="type_code")
async def type_code(request: web.Request) -> web.Response:
    typed = request.query.get("code", "").strip()
    if typed:
        raise web.HTTPSeeOther(f"/c/{quote(typed[:2048], safe='')}")
    return _type_code_page(request)


def _telegram_url(request: web.Request, text: str, code: str) -> str:
    bot = state_of(request).config.telegram_bot_username.lstrip("@")
    if not bot:
        return ""
    # The bot takes what the page took: a display token keeps its short life in Telegram too.
    start = text if is_deep_link_safe(text) else code
    return f"https://t.me/{quote(bot)}?start={quote(start)}"


def _form_page(
    request: web.Request, text: str, preview: CodePreview, ticket: str, *, nonce: str | None = None,
    values: dict[str, str] | None = None, errors_: dict[str, str] | None = None, status: int = 200,
) -> web.Response:
    state = state_of(request)
    language = request[LANGUAGE]
    timezone = zone(preview.event_timezone, state.config.timezone)
    return render(request, "claim.html", {
        "preview": preview,
        "event_when": format_span(preview.event_starts_at, preview.event_ends_at, language, timezone),
        "action": f"/c/{quote(text, safe='')}",
        "csrf_token": form_token(request, state.keys.csrf),
        "nonce": nonce or secrets.token_urlsafe(18),
        "ticket": ticket,
        "values": values or {"name": "", "email": ""},
        "errors": {"form": "", "name": "", "email": "", **(errors_ or {})},
        "email_enabled": state.config.email_enabled,
        "telegram_url": _telegram_url(request, text, preview.code),
    }, status=status)


async def _preview(request: web.Request, text: str, now: datetime, ticket: str = "") -> tuple[CodePreview, str]:
    """The code's preview and the ticket its form carries (only for a display token)."""
    keys = state_of(request).keys

    async def look(session: AsyncSession) -> tuple[CodePreview, str]:
        if ticket:
            return await preview_code(session, open_ticket(keys, ticket, now), now, through_display_token=True), ticket
        code_text, through_token = open_claim_text(text, keys, now)
        preview = await preview_code(session, code_text, now, through_display_token=through_token)
        return preview, make_ticket(keys, preview.code, now) if through_token else ""

    return await attempt(request, now, look)


@routes.get("/c/{code}", name="claim_page")
async def claim_page(request: web.Request) -> web.Response:
    text = request.match_info["code"]
    try:
        preview, ticket = await _preview(request, text, state_of(request).clock())
    except ClaimError as refusal:
        return problem_page(request, refusal, typed=text)
    return _form_page(request, text, preview, ticket)


def _field(form: Any, name: str) -> str:
    value = form.get(name, "")
    return value[:_MAX_FIELD] if isinstance(value, str) else ""


@routes.post("/c/{code}", name="claim_submit")
async def claim_submit(request: web.Request) -> web.Response:
    state = state_of(request)
    text = request.match_info["code"]
    form = await request.post()
    if not form_is_genuine(request, state.keys.csrf, _field(form, "csrf")):
        language = request[LANGUAGE]
        return render(request, "error.html", {
            "heading": translate(language, N_("Please send the form again")),
            "message": translate(language, N_("This form has expired. Reload the page and send it again.")),
            "back_url": f"/c/{quote(text, safe='')}", "back_label": translate(language, N_("Back to the form")),
        }, status=403)
    values = {"name": _field(form, "name"), "email": _field(form, "email")}
    nonce, ticket = _field(form, "nonce"), _field(form, "ticket")
    now = state.clock()
    language = request[LANGUAGE]

    async def claim(session: AsyncSession) -> tuple[str, bool]:
        if ticket:
            code_text, through_token = open_ticket(state.keys, ticket, now), True
        else:
            code_text, through_token = open_claim_text(text, state.keys, now)
        email = normalise_email(values["email"])
        deliveries = [("email", email)] if email and state.config.email_enabled else []
        redemption = await redeem_code(
            session, code_text, Recipient(email=email, name=values["name"]), now, channel="web",
            issuing=state.issuing, nonce=nonce or None, through_display_token=through_token,
            deliveries=deliveries, language=language,
        )
        return str(redemption.award.id), bool(deliveries)

    try:
        award_id, mail_queued = await attempt(request, now, claim)
    except ClaimError as refusal:
        if refusal.code == errors.INVALID_INPUT and refusal.params.get("field") in ("email", "name"):
            return await _form_again(request, text, ticket, nonce, values, refusal, now)
        return problem_page(request, refusal, typed=text)
    # Post/redirect/get: reloading the result never sends the claim again.
    raise web.HTTPSeeOther(f"/awards/{award_id}/received" + ("?mail=1" if mail_queued else ""))


async def _form_again(
    request: web.Request, text: str, ticket: str, nonce: str, values: dict[str, str], refusal: ClaimError,
    now: datetime,
) -> web.Response:
    """The form once more, the values kept and the faulty field said, with the same nonce."""
    try:
        preview, ticket = await _preview(request, text, now, ticket)
    except ClaimError as other:
        return problem_page(request, other, typed=text)
    message = refusal_text(refusal.code, refusal.params, request[LANGUAGE], state_of(request).config.timezone)
    return _form_page(request, text, preview, ticket, nonce=nonce or None, values=values,
                      errors_={refusal.params["field"]: message}, status=422)


@routes.get("/awards/{award_id}/received", name="received")
async def received(request: web.Request) -> web.Response:
    state = state_of(request)
    award_id = parse_award_id(request.match_info["award_id"])
    async with state.sessionmaker() as session:
        award = await load_award_view(session, award_id)
    base = f"/awards/{award.id}"
    if award.revoked_at is not None:
        raise web.HTTPSeeOther(base)  # nothing to download: its page says why
    return render(request, "received.html", {
        "award": award,
        "award_path": base,
        "image_path": f"{base}/badge.{award.image_extension}",
        "download_name": f"badge-{award.id}.{award.image_extension}",
        "verify_url": state.issuing.urls.award_page(award.id),
        "mail_queued": request.query.get("mail") == "1",
    })
