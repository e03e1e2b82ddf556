"""Pages anyone may open: an award's verification page (or its assertion, by content negotiation),
the privacy page, and the health check."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import text

from claims.openbadges.urls import Kind
from kiosk.award_view import load_award_view, parse_award_id
from kiosk.documents import document_response, serve_path
from kiosk.i18n import LANGUAGE, N_, format_day, format_span, translate, zone
from kiosk.middlewares import WebRefusal
from kiosk.rendering import render
from kiosk.state import state_of

routes = web.RouteTableDef()

_STATUS_WORDS = {
    "valid": N_("Valid"),
    "expired": N_("Expired"),
    "revoked": N_("Revoked by the issuer"),
}
_LD_TYPES = ("application/ld+json", "application/json")


def wants_assertion(request: web.Request) -> bool:
    """Whether the client asked for the assertion rather than the page (verifiers send ld+json)."""
    best_html, best_ld = -1.0, -1.0
    for item in request.headers.get("Accept", "").split(","):
        media, _, params = item.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        media = media.strip().lower()
        if media in _LD_TYPES:
            best_ld = max(best_ld, weight)
        elif media in ("text/html", "application/xhtml+xml"):
            best_html = max(best_html, weight)
    return best_ld > 0 and best_ld > best_html


@routes.get("/awards/{award_id}", name="award_page")
async def award_page(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    award_id = parse_award_id(request.match_info["award_id"])
    if wants_assertion(request):
        served = await serve_path(request, f"/ob2/assertions/{award_id}")
        response = document_response(request, served, Kind.OB2_ASSERTION)
        response.headers["Vary"] = "Accept"
        return response
    async with state.sessionmaker() as session:
        award = await load_award_view(session, award_id)
    language = request[LANGUAGE]
    timezone = zone(award.event_timezone, state.config.timezone)
    status = award.status(state.clock())
    urls = state.issuing.urls
    response = render(request, "award.html", {
        "award": award,
        "status": status,
        "status_words": translate(language, _STATUS_WORDS[status]),
        "event_when": format_span(award.event_starts_at, award.event_ends_at, language, timezone),
        "issued_on": format_day(award.issued_at, language, timezone),
        "expires_on": format_day(award.expires_at, language, timezone) if award.expires_at else "",
        "revoked_on": format_day(award.revoked_at, language, timezone) if award.revoked_at else "",
        "image_path": f"/awards/{award.id}/badge.{award.image_extension}",
        "download_name": f"badge-{award.id}.{award.image_extension}",
        "ob2_url": urls.assertion(award.id),
        "ob3_url": urls.credential(award.id),
    }, cache="no-cache")
    response.headers["Vary"] = "Accept, Accept-Language, Cookie"
    return response


@routes.get("/privacy", name="privacy")
async def privacy(request: web.Request) -> web.Response:
    return render(request, "privacy.html", cache="public, max-age=3600")


@routes.get("/healthz", name="healthz")
async def healthz(request: web.Request) -> web.Response:
    """200 when the database answers ``SELECT 1``; 503 otherwise, for the load balancer."""
    try:
        async with state_of(request).sessionmaker() as session:
            await session.execute(text("SELECT 1"))
    except Exception:  # whatever stops the database from answering makes this process unready
        raise WebRefusal(503) from None
    response = web.json_response({"status": "ok"})
    response.headers["Cache-Control"] = "no-store"
    return response
