"""Every public Open Badges document and image the core publishes, served at its URL with caching headers."""

from __future__ import annotations

import hashlib

from aiohttp import web

from claims.errors import NOT_FOUND, ClaimError
from claims.openbadges.urls import Kind
from claims.publishing import ServedDocument, document_for_path
from kiosk.award_view import parse_award_id
from kiosk.state import state_of

routes = web.RouteTableDef()

# Revocation must show at once: what can be revoked is revalidated on every use (cheap with the ETag).
_REVALIDATE = "no-cache"
_HOUR = "public, max-age=3600"
CACHE_OF: dict[Kind, str] = {
    Kind.OB2_ASSERTION: _REVALIDATE,
    Kind.OB2_REVOCATIONS: _REVALIDATE,
    Kind.OB3_STATUS: _REVALIDATE,
    Kind.AWARD_PNG: _REVALIDATE,
    Kind.AWARD_SVG: _REVALIDATE,
    # Signed once and never changed: revocation lives in the status list, not in the credential.
    Kind.OB3_CREDENTIAL: "public, max-age=31536000, immutable",
    Kind.OB2_BADGE: _HOUR,
    Kind.OB2_ISSUER: _HOUR,
    Kind.OB2_BADGE_IMAGE: _HOUR,
    Kind.OB2_ISSUER_IMAGE: _HOUR,
    Kind.OB2_KEY: _HOUR,
    Kind.OB3_KEY: _HOUR,
    Kind.DID_DOCUMENT: _HOUR,
}


def document_response(request: web.Request, served: ServedDocument, kind: Kind) -> web.StreamResponse:
    """The document, or 304 when the client's copy (by ETag) is current."""
    etag = hashlib.sha256(served.body).hexdigest()[:32]
    headers = {
        "Cache-Control": CACHE_OF.get(kind, _REVALIDATE),
        # Verifiers running in a browser fetch these from other origins; the documents are public anyway.
        "Access-Control-Allow-Origin": "*",
    }
    response: web.StreamResponse
    if served.status == 200 and any(tag.value == etag for tag in request.if_none_match or ()):
        response = web.Response(status=304, headers=headers)
    else:
        response = web.Response(status=served.status, body=served.body, headers=headers)
        response.content_type = served.content_type
        if served.content_type.endswith("json"):
            response.charset = "utf-8"
    if served.status == 200:
        response.etag = etag
    if served.content_type == "image/svg+xml":
        # An SVG opened on its own is a document: it may run nothing, load nothing.
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


async def serve_path(request: web.Request, path: str) -> ServedDocument:
    state = state_of(request)
    async with state.sessionmaker() as session:
        return await document_for_path(session, path, issuing=state.issuing, now=state.clock())


def _kind(request: web.Request) -> Kind:
    target = state_of(request).issuing.urls.parse(request.path)
    return target.kind if target is not None else Kind.OB2_ASSERTION


async def serve_document(request: web.Request) -> web.StreamResponse:
    served = await serve_path(request, request.path)
    return document_response(request, served, _kind(request))


for _path in (
    "/ob2/assertions/{id}", "/ob2/badges/{id}", "/ob2/badges/{id}/image", "/ob2/issuers/{id}",
    "/ob2/issuers/{id}/image", "/ob2/keys/{id}", "/ob2/revocations/{id}", "/ob3/credentials/{id}",
    "/ob3/status/{id}", "/ob3/keys/{id}", "/.well-known/did.json", "/did.json",
):
    routes.get(_path)(serve_document)


async def _baked_image(request: web.Request, extension: str) -> web.StreamResponse:
    award_id = parse_award_id(request.match_info["award_id"])
    try:
        served = await serve_path(request, f"/awards/{award_id}/badge.{extension}")
    except ClaimError as error:
        # The core serves each image at the extension of its type only; a link with the other one (typed
        # by hand, or from before the class changed) is sent where the image is.
        other = "svg" if extension == "png" else "png"
        if error.code != NOT_FOUND or (await serve_path(request, f"/awards/{award_id}/badge.{other}")).status != 200:
            raise
        raise web.HTTPFound(f"/awards/{award_id}/badge.{other}") from None
    return document_response(request, served, Kind.AWARD_SVG if extension == "svg" else Kind.AWARD_PNG)


@routes.get("/awards/{award_id}/badge.png", name="award_png")
async def award_png(request: web.Request) -> web.StreamResponse:
    return await _baked_image(request, "png")


@routes.get("/awards/{award_id}/badge.svg", name="award_svg")
async def award_svg(request: web.Request) -> web.StreamResponse:
    return await _baked_image(request, "svg")
