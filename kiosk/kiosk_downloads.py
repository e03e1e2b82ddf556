"""``/dl/{signed}``: the kiosk's short-lived link to a baked badge, and the QR of it the attendee's phone scans."""

from __future__ import annotations

import uuid
from datetime import datetime

from aiohttp import web

from claims.awards import baked_award_image
from claims.download_links import make_download_token, open_download_token
from claims.errors import ClaimError
from claims.models import Award
from kiosk.api import image_extension
from kiosk.keys import WebKeys
from kiosk.state import state_of
from qr import qr_svg

routes = web.RouteTableDef()

# An SVG opened on its own is a document: it may run nothing, load nothing.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def download_path(keys: WebKeys, award_id: uuid.UUID, now: datetime) -> str:
    """The link's path (``/dl/<signed>``); the phone needs it absolute, under PUBLIC_URL."""
    return f"/dl/{make_download_token(keys.download_link, award_id, now)}"


def svg_response(svg: str) -> web.Response:
    response = web.Response(text=svg, content_type="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = SVG_POLICY
    return response


def _award_id(request: web.Request) -> uuid.UUID:
    state = state_of(request)
    try:
        return open_download_token(state.keys.download_link, request.match_info["signed"], state.clock())
    except ClaimError:
        # Forged, edited and expired links look alike: a page saying nothing lives here.
        raise web.HTTPNotFound() from None


@routes.get("/dl/{signed}", name="download")
async def download(request: web.Request) -> web.Response:
    state = state_of(request)
    award_id = _award_id(request)
    async with state.sessionmaker() as session:
        award = await session.get(Award, award_id)
        if award is None or award.revoked_at is not None:
            raise web.HTTPNotFound()
        mime, data = await baked_award_image(session, award_id, state.issuing)
    response = web.Response(body=data, content_type=mime)
    response.headers["Content-Disposition"] = f'attachment; filename="badge-{award_id}.{image_extension(mime)}"'
    # A private link: no shared cache keeps a copy of someone's badge.
    response.headers["Cache-Control"] = "private, no-store"
    if mime == "image/svg+xml":
        response.headers["Content-Security-Policy"] = SVG_POLICY
    return response


@routes.get("/dl/{signed}/qr.svg", name="download_qr")
async def download_qr(request: web.Request) -> web.Response:
    _award_id(request)  # no QR for a link that no longer works
    public_url = state_of(request).config.public_url.rstrip("/")
    return svg_response(qr_svg(f"{public_url}/dl/{request.match_info['signed']}"))
