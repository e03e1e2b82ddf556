"""The kiosk page ``/kiosk/{token}`` and its calls: status, claims and the display-mode QR (kiosk-contract.md).

Every route opens the kiosk from its token first; an unknown and a revoked token get the same answer.
Frames are decoded in kiosk_frames, download links served by kiosk_downloads.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.codes import parse_code
from claims.display_tokens import make_display_token
from claims.errors import KIOSK_CLOSED, UNKNOWN_CODE, ClaimError
from claims.kiosks import display_code_text, open_kiosk
from claims.models import BadgeClass, ClaimCode, Event, Kiosk
from claims.rate_limits import RateRule, check_rate, count_event
from claims.redemption import Recipient, Redemption, redeem_code
from kiosk.api import claim_request, image_extension
from kiosk.claiming import attempt, open_claim_text
from kiosk.i18n import LANGUAGE, refusal_text, translate
from kiosk.kiosk_downloads import download_path, svg_response
from kiosk.kiosk_frames import kiosk_busy
from kiosk.kiosk_texts import KIOSK_TEXTS, kiosk_texts
from kiosk.rendering import render
from kiosk.state import state_of
from qr import qr_svg

routes = web.RouteTableDef()

__all__ = ["kiosk_texts", "routes"]

# A queue at the door is a few people a minute; this stops a script, never a queue.
KIOSK_CLAIMS = RateRule("kiosk_claims", limit=120, window=timedelta(minutes=10))
STATUS_EVERY_S = 5
DISPLAY_PERIOD_S = 60  # claims.display_tokens' default: the phone claim page opens tokens with it


class _KioskBusy(Exception):
    def __init__(self, refusal: ClaimError) -> None:
        super().__init__(refusal.code)
        self.refusal = refusal


@dataclass(frozen=True)
class KioskView:
    event_name: str
    event_place: str | None
    badges: list[dict[str, str]]
    display: bool


async def _view(session: AsyncSession, kiosk: Kiosk) -> KioskView:
    event = await session.get(Event, kiosk.event_id)
    assert event is not None  # a kiosk's event is a foreign key
    rows = await session.execute(
        select(BadgeClass.id, BadgeClass.name)
        .where(BadgeClass.id.in_(select(ClaimCode.badge_class_id).where(ClaimCode.event_id == kiosk.event_id)))
        .order_by(BadgeClass.name)
    )
    # Relative URLs: the page may be opened under another address than PUBLIC_URL (a LAN, a test).
    badges = [{"name": name, "image_url": f"/ob2/badges/{badge_id}/image"} for badge_id, name in rows]
    return KioskView(event.name, event.place, badges, kiosk.display_code_id is not None)


def closed_page(request: web.Request) -> web.Response:
    """The same page for every token that opens no kiosk: nothing in it depends on the token."""
    language = request[LANGUAGE]
    other = "en" if language == "fr" else "fr"
    return render(request, "error.html", {
        "heading": translate(language, KIOSK_TEXTS["closed_title"]),
        "message": refusal_text(KIOSK_CLOSED, {}, language, state_of(request).config.timezone),
        "back_url": "", "back_label": "",
        "toggle_url": f"?lang={other}",  # not the path: it carries the token
    }, status=404)


@routes.get("/kiosk/{token}", name="kiosk_page")
async def kiosk_page(request: web.Request) -> web.Response:
    state = state_of(request)
    token = request.match_info["token"]
    try:
        async with state.sessionmaker() as session:
            view = await _view(session, await open_kiosk(session, token, state.clock()))
    except ClaimError as refusal:
        if refusal.code != KIOSK_CLOSED:
            raise
        return closed_page(request)
    return render(request, "kiosk.html", {
        "kiosk_base": f"/kiosk/{token}",
        "event_name": view.event_name,
        "event_place": view.event_place,
        "badges": view.badges,
        "display": view.display,
        "display_period_s": DISPLAY_PERIOD_S,
        "idle_seconds": state.config.kiosk_idle_seconds,
        "email_enabled": state.config.email_enabled,
        "status_every_s": STATUS_EVERY_S,
        "texts": kiosk_texts(),
    })


def _no_store(response: web.Response) -> web.Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@routes.get("/kiosk/{token}/status", name="kiosk_status")
async def kiosk_status(request: web.Request) -> web.Response:
    state = state_of(request)
    async with state.sessionmaker() as session:
        await open_kiosk(session, request.match_info["token"], state.clock())
    return _no_store(web.json_response({"open": True}))


@routes.get("/kiosk/{token}/display.svg", name="kiosk_display")
async def kiosk_display(request: web.Request) -> web.Response:
    state = state_of(request)
    now = state.clock()
    async with state.sessionmaker() as session:
        code = await display_code_text(session, await open_kiosk(session, request.match_info["token"], now))
    if code is None:
        raise web.HTTPNotFound()
    token = make_display_token(state.keys.display_token, code, now, period_s=DISPLAY_PERIOD_S)
    return svg_response(qr_svg(f"{state.config.public_url.rstrip('/')}/c/{token}"))


async def _refuse_other_events(session: AsyncSession, code_text: str, event_id: uuid.UUID) -> None:
    """A kiosk hands out its own event's badges only: another event's code is as good as unknown here."""
    owner = await session.scalar(select(ClaimCode.event_id).where(ClaimCode.code == parse_code(code_text)))
    if owner is not None and owner != event_id:
        raise ClaimError(UNKNOWN_CODE)


@dataclass(frozen=True)
class _Claimed:
    redemption: Redemption
    badge_name: str
    image_mime: str
    emailed: bool


@routes.post("/kiosk/{token}/claims", name="kiosk_claims")
async def kiosk_claim(request: web.Request) -> web.Response:
    state = state_of(request)
    token = request.match_info["token"]
    asked = await claim_request(request)
    language = request[LANGUAGE]
    now = state.clock()

    async def claim(session: AsyncSession) -> _Claimed:
        kiosk = await open_kiosk(session, token, now)
        try:
            await check_rate(session, KIOSK_CLAIMS, str(kiosk.id), now)
        except ClaimError as refusal:
            raise _KioskBusy(refusal) from None
        code_text, through_token = open_claim_text(asked.code, state.keys, now)
        await _refuse_other_events(session, code_text, kiosk.event_id)
        deliveries = [("email", asked.email)] if asked.email and state.config.email_enabled else []
        redemption = await redeem_code(
            session, code_text, Recipient(email=asked.email, name=asked.name), now, channel="kiosk",
            issuing=state.issuing, nonce=asked.nonce, through_display_token=through_token, deliveries=deliveries,
            language=language,
        )
        await count_event(session, KIOSK_CLAIMS, str(kiosk.id), now)
        if redemption.material is not None:
            badge = redemption.material.badge
            return _Claimed(redemption, badge.name, badge.image_mime, bool(deliveries))
        # A repeat: nothing was queued again, the first claim's delivery stands.
        badge_name, mime = (await session.execute(
            select(BadgeClass.name, BadgeClass.image_mime).where(BadgeClass.id == redemption.award.badge_class_id)
        )).one()
        return _Claimed(redemption, badge_name, mime, False)

    try:
        claimed = await attempt(request, now, claim)
    except _KioskBusy as busy:
        return kiosk_busy(request, busy.refusal)
    award_id = claimed.redemption.award.id
    link = download_path(state.keys, award_id, now)
    payload = {
        "award_id": str(award_id),
        "badge_name": claimed.badge_name,
        "image_url": f"/awards/{award_id}/badge.{image_extension(claimed.image_mime)}",
        "download_url": f"{state.config.public_url.rstrip('/')}{link}",
        "download_qr_url": f"{link}/qr.svg",
        "emailed": claimed.emailed,
    }
    return _no_store(web.json_response(payload, status=201 if claimed.redemption.created else 200))
