"""The JSON claim API: ``POST /api/v1/claims`` (README "HTTP API")."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.errors import INVALID_INPUT, ClaimError
from claims.models import BadgeClass
from claims.redemption import Recipient, Redemption, normalise_email, redeem_code
from kiosk.claiming import attempt, open_claim_text
from kiosk.i18n import LANGUAGE
from kiosk.middlewares import WebRefusal
from kiosk.state import state_of

routes = web.RouteTableDef()


def _optional_text(body: dict[str, Any], field: str) -> str | None:
    value = body.get(field)
    if value is not None and not isinstance(value, str):
        raise ClaimError(INVALID_INPUT, field=field)
    return value


async def _body(request: web.Request) -> dict[str, Any]:
    # JSON only: a cross-site HTML form cannot send this type without the browser asking us first (CORS),
    # which is what keeps the API safe from forged requests without a CSRF token.
    if request.content_type != "application/json":
        raise WebRefusal(415)
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        raise ClaimError(INVALID_INPUT, field="code") from None
    if not isinstance(body, dict):
        raise ClaimError(INVALID_INPUT, field="code")
    return body


@dataclass(frozen=True)
class ClaimRequest:
    """What a JSON claim asks for (the API's and the kiosk's): the code text, who, and the client's key."""

    code: str
    email: str | None
    name: str | None
    nonce: str | None


async def claim_request(request: web.Request) -> ClaimRequest:
    body = await _body(request)
    code = body.get("code")
    if not isinstance(code, str):
        raise ClaimError(INVALID_INPUT, field="code")
    email = normalise_email(_optional_text(body, "email"))
    return ClaimRequest(code, email, _optional_text(body, "name"), request.headers.get("Idempotency-Key"))


def image_extension(mime: str) -> str:
    return "svg" if mime == "image/svg+xml" else "png"


@routes.post("/api/v1/claims", name="api_claims")
async def create_claim(request: web.Request) -> web.Response:
    state = state_of(request)
    asked = await claim_request(request)
    code, email, name, nonce = asked.code, asked.email, asked.name, asked.nonce
    language = request[LANGUAGE]
    now = state.clock()

    async def claim(session: AsyncSession) -> tuple[Redemption, str]:
        code_text, through_token = open_claim_text(code, state.keys, now)
        deliveries = [("email", email)] if email and state.config.email_enabled else []
        redemption = await redeem_code(
            session, code_text, Recipient(email=email, name=name), now, channel="web", issuing=state.issuing,
            nonce=nonce, through_display_token=through_token, deliveries=deliveries, language=language,
        )
        if redemption.material is not None:  # a new award: what signed it knows the image's type
            return redemption, redemption.material.badge.image_mime
        mime = await session.scalar(select(BadgeClass.image_mime).where(BadgeClass.id == redemption.award.badge_class_id))
        return redemption, mime or "image/png"

    redemption, mime = await attempt(request, now, claim)
    award_id = redemption.award.id
    urls = state.issuing.urls
    payload = {
        "award_id": str(award_id),
        "verify_url": urls.award_page(award_id),
        "badge_image_url": f"{urls.award_page(award_id)}/badge.{image_extension(mime)}",
        "ob2_assertion_url": urls.assertion(award_id),
        "ob3_credential_url": urls.credential(award_id),
    }
    response = web.json_response(payload, status=201 if redemption.created else 200)
    response.headers["Cache-Control"] = "no-store"
    if redemption.created:
        response.headers["Location"] = payload["verify_url"]
    return response
