"""Console pages of an event's awards: search by name page by page, revoke with a reason, resend, CSV export."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from claims.award_admin import event_award, resend_failed_deliveries, search_awards
from claims.awards import MAX_REASON_CHARS, revoke_award
from claims.errors import ClaimError
from claims.i18n import format_when
from claims.organising import awards_csv
from kiosk.console.event_pages import confirm_page, event_path, field_error, own_event, render_event_page, text_field
from kiosk.console.identity import actor_of, current_account
from kiosk.i18n import LANGUAGE, N_, translate
from kiosk.state import state_of

routes = web.RouteTableDef()


def _page_number(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


@routes.get("/organiser/events/{event_id}/awards", name="console_awards")
async def awards_page(request: web.Request) -> web.Response:
    state = state_of(request)
    language = request[LANGUAGE]
    query = request.query.get("q", "").strip()[:100]
    async with state.sessionmaker() as session:
        event = await own_event(request, session)
        found = await search_awards(session, event.id, query=query, page=_page_number(request.query.get("page", "")))
    base = event_path(event, "awards")

    def page_url(number: int) -> str:
        return f"{base}?{urlencode({'q': query, 'page': number} if query else {'page': number})}"

    return render_event_page(request, "organiser/awards.html", event, "console_awards", {
        "query": query, "found": found,
        "lines": [{"line": line, "issued": format_when(line.issued_at, language, event.timezone),
                   "base": f"{base}/{line.id}", "public_url": f"/awards/{line.id}"} for line in found.lines],
        "previous_url": page_url(found.page - 1) if found.page > 1 else "",
        "next_url": page_url(found.page + 1) if found.page < found.pages else "",
        "resent": request.query.get("resent", ""),
    })


@routes.get("/organiser/events/{event_id}/awards.csv", name="console_awards_csv")
async def awards_export(request: web.Request) -> web.Response:
    state = state_of(request)
    async with state.sessionmaker() as session:
        event = await own_event(request, session)
        body = await awards_csv(session, event, state.issuing.urls)
    return web.Response(body=body, content_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="awards-{str(event.id)[:8]}.csv"', "Cache-Control": "no-store"})


async def _revoke_page(request: web.Request, reason: str = "", error: str = "", status: int = 200) -> web.Response:
    async with state_of(request).sessionmaker() as session:
        event = await own_event(request, session)
        award = await event_award(session, event, request.match_info["award_id"])
    language = request[LANGUAGE]
    what = translate(language, N_("The badge of %(name)s, given on %(when)s"),
                     name=award.recipient_name or translate(language, N_("an anonymous person")),
                     when=format_when(award.issued_at, language, event.timezone))
    return confirm_page(
        request, event, "console_awards", heading=N_("Revoke this badge?"), what=what,
        consequences=(N_("Its public page and every verifier will say it was revoked, with your reason. "
                         "This cannot be undone."),),
        action=event_path(event, "awards", str(award.id), "revoke"), button=N_("Revoke the badge"),
        ask_reason=True, reason=reason, reason_error=error, status=status,
    )


@routes.get("/organiser/events/{event_id}/awards/{award_id}/revoke", name="console_award_revoke")
async def award_revoke_confirm(request: web.Request) -> web.Response:
    return await _revoke_page(request)


@routes.post("/organiser/events/{event_id}/awards/{award_id}/revoke", name="console_award_revoke_submit")
async def award_revoke(request: web.Request) -> web.Response:
    state = state_of(request)
    account = current_account(request)
    form = await request.post()
    reason = text_field(form, "reason", MAX_REASON_CHARS + 1)
    try:
        async with state.sessionmaker.begin() as session:
            event = await own_event(request, session)
            award = await event_award(session, event, request.match_info["award_id"])
            await revoke_award(session, award.id, reason, state.clock(), actor=actor_of(account),
                               issuer_id=account.issuer_id)
    except ClaimError as error:
        _, text = field_error(request, error)
        return await _revoke_page(request, reason, text, status=422)
    raise web.HTTPSeeOther(event_path(event, "awards"))


@routes.post("/organiser/events/{event_id}/awards/{award_id}/resend", name="console_award_resend")
async def award_resend(request: web.Request) -> web.Response:
    state = state_of(request)
    account = current_account(request)
    async with state.sessionmaker.begin() as session:
        event = await own_event(request, session)
        award = await event_award(session, event, request.match_info["award_id"])
        count = await resend_failed_deliveries(session, award, state.clock(), actor=actor_of(account),
                                               issuer_id=account.issuer_id)
    raise web.HTTPSeeOther(event_path(event, "awards") + f"?resent={count}")
