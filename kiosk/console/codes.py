"""Console pages of an event's claim codes: its batches, making cards or a poster, the PDF and CSV, deactivating."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy import select

from claims.code_printing import PrintableBatch, claim_links, codes_csv, codes_pdf, printable_batch
from claims.errors import INVALID_INPUT, ClaimError
from claims.models import BadgeClass, Event
from claims.organising import MAX_CODES_PER_BATCH, create_codes, deactivate_batch, list_batches
from kiosk.console.event_pages import (
    confirm_page, event_path, field_error, int_field, local_datetime_field, own_event, render_event_page,
    text_field,
)
from kiosk.console.guard import parse_id
from kiosk.console.identity import actor_of, current_account
from claims.i18n import format_when
from kiosk.i18n import LANGUAGE, N_, translate
from kiosk.state import state_of

routes = web.RouteTableDef()

SINGLE, MULTI = "single", "multi"
MAX_POSTER_CLAIMS = 100_000
_FIELDS = ("badge", "kind", "count", "max_claims", "valid_from", "valid_until", "display_only", "target")


async def _badges(session: Any, event: Event) -> list[BadgeClass]:
    return list(await session.scalars(
        select(BadgeClass).where(BadgeClass.issuer_id == event.issuer_id).order_by(BadgeClass.name)))


async def _codes_page(request: web.Request, *, values: dict[str, str] | None = None,
                      errors: dict[str, str] | None = None, made: str = "", status: int = 200) -> web.Response:
    state = state_of(request)
    async with state.sessionmaker() as session:
        event = await own_event(request, session)
        batches = await list_batches(session, event.id)
        badges = await _badges(session, event)
    language = request[LANGUAGE]
    defaults = {name: "" for name in _FIELDS} | {"kind": SINGLE, "count": "24", "target": "web",
                                                 "badge": str(badges[0].id) if badges else ""}
    return render_event_page(request, "organiser/codes.html", event, "console_codes", {
        "batches": [{"batch": batch, "created": format_when(batch.created_at, language, event.timezone),
                     "base": event_path(event, "codes", str(batch.batch_id))} for batch in batches],
        "badges": badges, "values": defaults | (values or {}),
        "errors": {name: "" for name in (*_FIELDS, "form")} | (errors or {}),
        "telegram": bool(state.config.telegram_bot_username), "made": made,
    }, status=status)


@routes.get("/organiser/events/{event_id}/codes", name="console_codes")
async def codes_page(request: web.Request) -> web.Response:
    return await _codes_page(request, made=request.query.get("made", "")[:40])


def _window(form: Any) -> tuple[datetime | None, datetime | None]:
    return (local_datetime_field(form, "valid_from", required=False),
            local_datetime_field(form, "valid_until", required=False))


@routes.post("/organiser/events/{event_id}/codes", name="console_codes_create")
async def codes_create(request: web.Request) -> web.Response:
    state = state_of(request)
    form = await request.post()
    values = {name: text_field(form, name, 40) for name in _FIELDS}
    multi = values["kind"] == MULTI
    try:
        count = None if multi else int_field(form, "count", low=1, high=MAX_CODES_PER_BATCH)
        max_claims = int_field(form, "max_claims", low=1, high=MAX_POSTER_CLAIMS) if multi else None
        valid_from, valid_until = _window(form)
        async with state.sessionmaker.begin() as session:
            event = await own_event(request, session)
            badge = await session.get(BadgeClass, _badge_id(values["badge"]))
            if badge is None or badge.issuer_id != event.issuer_id:
                raise ClaimError(INVALID_INPUT, field="badge")
            made = await create_codes(
                session, event, badge, now=state.clock(), count=count, max_claims=max_claims, valid_from=valid_from,
                valid_until=valid_until, target=values["target"] or "web", display_only=bool(values["display_only"]),
                actor=actor_of(current_account(request)),
            )
    except ClaimError as error:
        field, text = field_error(request, error)
        return await _codes_page(request, values=values, errors={field if field in _FIELDS else "form": text},
                                 status=422)
    raise web.HTTPSeeOther(event_path(event, "codes") + f"?made={made.batch_id}#batch-{made.batch_id}")


def _badge_id(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


async def _batch(request: web.Request) -> tuple[Event, PrintableBatch, list[str]]:
    """The event, its batch of the URL, and what each of the batch's QR codes carries."""
    config = state_of(request).config
    async with state_of(request).sessionmaker() as session:
        event = await own_event(request, session)
        batch = await printable_batch(session, event, parse_id(request.match_info["batch_id"]))
    links = claim_links(batch.codes, public_url=config.public_url, target=batch.target,
                        bot_username=config.telegram_bot_username)
    return event, batch, links


def _download(body: bytes, content_type: str, filename: str) -> web.Response:
    return web.Response(body=body, content_type=content_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@routes.get("/organiser/events/{event_id}/codes/{batch_id}/codes.pdf", name="console_codes_pdf")
async def codes_pdf_download(request: web.Request) -> web.Response:
    event, batch, links = await _batch(request)
    # Laying out QR codes is CPU work: a thread keeps the loop answering the other pages meanwhile.
    pdf = await asyncio.to_thread(codes_pdf, event, batch.badge, batch.codes, links, multi=batch.multi,
                                  valid=batch.valid)
    name = "poster" if batch.multi else "cards"
    return _download(pdf, "application/pdf", f"{name}-{request.match_info['batch_id'][:8]}.pdf")


@routes.get("/organiser/events/{event_id}/codes/{batch_id}/codes.csv", name="console_codes_csv")
async def codes_csv_download(request: web.Request) -> web.Response:
    _, batch, links = await _batch(request)
    return _download(codes_csv(batch.codes, links), "text/csv",
                     f"codes-{request.match_info['batch_id'][:8]}.csv")


@routes.get("/organiser/events/{event_id}/codes/{batch_id}/deactivate", name="console_batch_deactivate")
async def batch_deactivate_confirm(request: web.Request) -> web.Response:
    event, batch, _ = await _batch(request)
    language = request[LANGUAGE]
    what = translate(language, N_("%(count)s codes of the badge “%(badge)s”"), count=len(batch.codes),
                     badge=batch.badge.name)
    return confirm_page(
        request, event, "console_codes", heading=N_("Deactivate these codes?"), what=what,
        consequences=(N_("Nobody can claim a badge with them any more, even a card already handed out."),
                      N_("The badges already given with them stay valid.")),
        action=event_path(event, "codes", request.match_info["batch_id"], "deactivate"),
        button=N_("Deactivate the codes"),
    )


@routes.post("/organiser/events/{event_id}/codes/{batch_id}/deactivate", name="console_batch_deactivate_submit")
async def batch_deactivate(request: web.Request) -> web.Response:
    state = state_of(request)
    batch_id = parse_id(request.match_info["batch_id"])
    async with state.sessionmaker.begin() as session:
        event = await own_event(request, session)
        await printable_batch(session, event, batch_id)  # another event's batch is a 404, not a no-op
        await deactivate_batch(session, event.id, batch_id, state.clock(), actor_of(current_account(request)))
    raise web.HTTPSeeOther(event_path(event, "codes"))
