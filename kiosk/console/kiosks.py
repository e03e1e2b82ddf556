"""Console pages of an event's kiosks: the list, opening a new one (its link shown once), revoking one."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.codes import format_code
from claims.errors import ClaimError
from claims.i18n import format_when
from claims.kiosks import create_kiosk, kiosk_url, list_kiosks, revoke_event_kiosk
from claims.models import ClaimCode, Event, Kiosk
from kiosk.console.event_pages import (
    confirm_page, event_path, field_error, own_event, render_event_page, text_field,
)
from kiosk.console.guard import parse_id
from kiosk.console.identity import actor_of, current_account
from kiosk.i18n import LANGUAGE, N_
from kiosk.state import state_of

routes = web.RouteTableDef()
_FIELDS = ("label", "display")


async def _display_codes(session: AsyncSession, event: Event) -> list[tuple[str, str]]:
    """(code, shown as) of the event's display-only codes still active: what a display-mode kiosk may show."""
    rows = await session.execute(
        select(ClaimCode.code, ClaimCode.max_claims, ClaimCode.claims_count)
        .where(ClaimCode.event_id == event.id, ClaimCode.display_only.is_(True), ClaimCode.active.is_(True))
        .order_by(ClaimCode.id))
    return [(code, f"{format_code(code)} ({claims}/{most})") for code, most, claims in rows]


async def _kiosks_page(request: web.Request, *, values: dict[str, str] | None = None,
                       errors: dict[str, str] | None = None, created_url: str = "", status: int = 200) -> web.Response:
    state = state_of(request)
    language = request[LANGUAGE]
    async with state.sessionmaker() as session:
        event = await own_event(request, session)
        kiosks = await list_kiosks(session, event.id)
        display_codes = await _display_codes(session, event)
    rows = [{"kiosk": kiosk, "created": format_when(kiosk.created_at, language, event.timezone),
             "revoked": format_when(kiosk.revoked_at, language, event.timezone) if kiosk.revoked_at else "",
             "revoke_url": event_path(event, "kiosks", str(kiosk.id), "revoke")} for kiosk in kiosks]
    return render_event_page(request, "organiser/kiosks.html", event, "console_kiosks", {
        "rows": rows, "display_codes": display_codes, "created_url": created_url,
        "values": {"label": "", "display": ""} | (values or {}),
        "errors": {name: "" for name in (*_FIELDS, "form")} | (errors or {}),
    }, status=status)


@routes.get("/organiser/events/{event_id}/kiosks", name="console_kiosks")
async def kiosks_page(request: web.Request) -> web.Response:
    return await _kiosks_page(request)


@routes.post("/organiser/events/{event_id}/kiosks", name="console_kiosks_create")
async def kiosks_create(request: web.Request) -> web.Response:
    state = state_of(request)
    form = await request.post()
    values = {"label": text_field(form, "label", 200), "display": text_field(form, "display", 40)}
    try:
        async with state.sessionmaker.begin() as session:
            event = await own_event(request, session)
            _, token = await create_kiosk(session, event.id, state.clock(), display_code=values["display"] or None,
                                          actor=actor_of(current_account(request)), label=values["label"])
    except ClaimError as error:
        field, text = field_error(request, error)
        return await _kiosks_page(request, values=values, errors={field if field in _FIELDS else "form": text},
                                  status=422)
    # The token exists only in this answer (the database keeps its hash): shown now, never again. No
    # redirect, so it is not left in a URL or the history either.
    return await _kiosks_page(request, created_url=kiosk_url(state.config.public_url, token), status=201)


async def _kiosk(request: web.Request, session: AsyncSession) -> tuple[Event, Kiosk]:
    event = await own_event(request, session)
    kiosk = await session.get(Kiosk, parse_id(request.match_info["kiosk_id"]))
    if kiosk is None or kiosk.event_id != event.id:
        raise web.HTTPNotFound()
    return event, kiosk


@routes.get("/organiser/events/{event_id}/kiosks/{kiosk_id}/revoke", name="console_kiosk_revoke")
async def kiosk_revoke_confirm(request: web.Request) -> web.Response:
    async with state_of(request).sessionmaker() as session:
        event, kiosk = await _kiosk(request, session)
    language = request[LANGUAGE]
    what = kiosk.label or format_when(kiosk.created_at, language, event.timezone)
    return confirm_page(
        request, event, "console_kiosks", heading=N_("Close this kiosk?"), what=what,
        consequences=(N_("Its screen shows “kiosk closed” within seconds, and its link never opens again."),),
        action=event_path(event, "kiosks", str(kiosk.id), "revoke"), button=N_("Close the kiosk"),
    )


@routes.post("/organiser/events/{event_id}/kiosks/{kiosk_id}/revoke", name="console_kiosk_revoke_submit")
async def kiosk_revoke(request: web.Request) -> web.Response:
    state = state_of(request)
    account = current_account(request)
    async with state.sessionmaker.begin() as session:
        event, kiosk = await _kiosk(request, session)
        await revoke_event_kiosk(session, event.id, kiosk.id, state.clock(), actor_of(account), account.issuer_id)
    raise web.HTTPSeeOther(event_path(event, "kiosks"))
