"""Console pages of an event's Telegram organisers (who may see its /stats in the bot): add, link once, remove."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from claims.errors import INVALID_INPUT, ClaimError
from claims.event_organisers import add_organiser, create_organiser_link, list_organisers, remove_organiser
from claims.i18n import format_when
from kiosk.console.event_pages import confirm_page, event_path, field_error, own_event, render_event_page, text_field
from kiosk.console.identity import actor_of, current_account
from kiosk.i18n import LANGUAGE, N_, translate
from kiosk.state import state_of

routes = web.RouteTableDef()

# Telegram user ids are positive and fit in 52 bits today; the column is a BIGINT.
MAX_TELEGRAM_ID = 2**53


def _telegram_id(raw: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < MAX_TELEGRAM_ID:
        raise ClaimError(INVALID_INPUT, field="telegram_id")
    return int(raw)


async def _telegram_page(request: web.Request, *, value: str = "", error: str = "", link: str = "",
                         status: int = 200) -> web.Response:
    state = state_of(request)
    language = request[LANGUAGE]
    async with state.sessionmaker() as session:
        event = await own_event(request, session)
        organisers = await list_organisers(session, event.id)
    rows = [{"telegram_id": row.telegram_user_id, "added": format_when(row.added_at, language, event.timezone),
             "remove_url": event_path(event, "telegram", str(row.telegram_user_id), "remove")} for row in organisers]
    return render_event_page(request, "organiser/telegram.html", event, "console_telegram", {
        "rows": rows, "values": {"telegram_id": value}, "errors": {"telegram_id": error, "form": ""}, "link": link,
        "bot": state.config.telegram_bot_username.lstrip("@"),
    }, status=status)


@routes.get("/organiser/events/{event_id}/telegram", name="console_telegram")
async def telegram_page(request: web.Request) -> web.Response:
    return await _telegram_page(request)


@routes.post("/organiser/events/{event_id}/telegram", name="console_telegram_add")
async def telegram_add(request: web.Request) -> web.Response:
    state = state_of(request)
    value = text_field(await request.post(), "telegram_id", 20)
    try:
        telegram_id = _telegram_id(value)
        async with state.sessionmaker.begin() as session:
            event = await own_event(request, session)
            await add_organiser(session, event.id, telegram_id, state.clock(),
                                actor=actor_of(current_account(request)))
    except ClaimError as error:
        return await _telegram_page(request, value=value, error=field_error(request, error)[1], status=422)
    raise web.HTTPSeeOther(event_path(event, "telegram"))


@routes.post("/organiser/events/{event_id}/telegram/link", name="console_telegram_link")
async def telegram_link(request: web.Request) -> web.Response:
    state = state_of(request)
    async with state.sessionmaker.begin() as session:
        event = await own_event(request, session)
        token = await create_organiser_link(session, event.id, state.clock(),
                                            actor=actor_of(current_account(request)))
    bot = state.config.telegram_bot_username.lstrip("@")
    # Shown once, in this answer only: the database keeps a hash of the token.
    link = f"https://t.me/{quote(bot)}?start=org_{token}" if bot else token
    return await _telegram_page(request, link=link, status=201)


def _member_id(request: web.Request) -> int:
    try:
        return _telegram_id(request.match_info["telegram_id"])
    except ClaimError:
        raise web.HTTPNotFound() from None


@routes.get("/organiser/events/{event_id}/telegram/{telegram_id}/remove", name="console_telegram_remove")
async def telegram_remove_confirm(request: web.Request) -> web.Response:
    telegram_id = _member_id(request)
    async with state_of(request).sessionmaker() as session:
        event = await own_event(request, session)
        if telegram_id not in {row.telegram_user_id for row in await list_organisers(session, event.id)}:
            raise web.HTTPNotFound()
    what = translate(request[LANGUAGE], N_("Telegram account %(id)s"), id=telegram_id)
    return confirm_page(
        request, event, "console_telegram", heading=N_("Remove this Telegram organiser?"), what=what,
        consequences=(N_("The bot stops showing them this event's figures and codes."),),
        action=event_path(event, "telegram", str(telegram_id), "remove"), button=N_("Remove"),
    )


@routes.post("/organiser/events/{event_id}/telegram/{telegram_id}/remove", name="console_telegram_remove_submit")
async def telegram_remove(request: web.Request) -> web.Response:
    state = state_of(request)
    telegram_id = _member_id(request)
    async with state.sessionmaker.begin() as session:
        event = await own_event(request, session)
        await remove_organiser(session, event.id, telegram_id, state.clock(),
                               actor=actor_of(current_account(request)))
    raise web.HTTPSeeOther(event_path(event, "telegram"))
