"""``POST /kiosk/{token}/frames``: a camera frame decoded server-side for browsers without BarcodeDetector.

A frame is a picture of whoever stands at the kiosk: it is read into memory, decoded, and dropped. It is
never written anywhere nor logged, whatever the outcome.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

from aiohttp import web

from claims.codes import format_code, parse_code
from claims.errors import ClaimError
from claims.kiosks import open_kiosk
from claims.rate_limits import RateRule, check_rate, count_event
from kiosk.claiming import looks_like_display_token
from kiosk.config import WebConfig
from kiosk.i18n import LANGUAGE, N_, translate
from kiosk.middlewares import WebRefusal, error_response
from kiosk.state import state_of
from qr.reader import TOO_LARGE, QRDecodeError, decode

routes = web.RouteTableDef()

MAX_FRAME_BYTES = 2 * 1024 * 1024
FRAME_ROUTE = "kiosk_frames"
# Generous: the page sends about three frames a second; ten a second for ten seconds is a stuck loop.
KIOSK_FRAMES = RateRule("kiosk_frames", limit=100, window=timedelta(seconds=10))
_CHUNK = 64 * 1024


def claim_text_in(qr_text: str, config: WebConfig) -> str | None:
    """What a claim would take out of a QR's text: a code (grouped as printed) or a display token, when
    the QR is one of ours (our claim URL, our bot's deep link, or a bare code); None for any other QR."""
    text = qr_text.strip()
    if "://" not in text:
        return _claimable(text)
    parts, ours = urlsplit(text), urlsplit(config.public_url)
    host = parts.netloc.lower()
    claim_path = ours.path.rstrip("/") + "/c/"
    if host == ours.netloc.lower() and parts.path.startswith(claim_path):
        return _claimable(unquote(parts.path[len(claim_path):]))
    bot = config.telegram_bot_username.lstrip("@").lower()
    if bot and host in ("t.me", "telegram.me") and parts.path.strip("/").lower() == bot:
        start = parse_qs(parts.query).get("start")
        return _claimable(start[0]) if start else None
    return None


def _claimable(text: str) -> str | None:
    if looks_like_display_token(text):
        return text
    try:
        return format_code(parse_code(text))
    except ClaimError:
        return None


async def read_capped(request: web.Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes ``limit`` (a body sent without a length too)."""
    if request.content_length is not None and request.content_length > limit:
        raise WebRefusal(413)
    chunks, size = [], 0
    async for chunk in request.content.iter_chunked(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise WebRefusal(413)
        chunks.append(chunk)
    return b"".join(chunks)


def kiosk_busy(request: web.Request, refusal: ClaimError) -> web.Response:
    """429 with words about the kiosk, not about wrong codes from a connection."""
    text = translate(request[LANGUAGE], N_("Too many tries at this kiosk: wait a minute, then try again."))
    return error_response(request, 429, refusal.code, text,
                          headers={"Retry-After": str(refusal.params.get("retry_after", 60))})


@routes.post("/kiosk/{token}/frames", name=FRAME_ROUTE)
async def frames(request: web.Request) -> web.Response:
    state = state_of(request)
    now = state.clock()
    async with state.sessionmaker.begin() as session:
        kiosk = await open_kiosk(session, request.match_info["token"], now)
        try:
            await check_rate(session, KIOSK_FRAMES, str(kiosk.id), now)
        except ClaimError as refusal:
            return kiosk_busy(request, refusal)
        await count_event(session, KIOSK_FRAMES, str(kiosk.id), now)
    frame = await read_capped(request, MAX_FRAME_BYTES)
    try:
        # zxing-cpp releases the GIL: decoding in a thread keeps the loop serving every other kiosk.
        texts = await asyncio.to_thread(decode, frame)
    except QRDecodeError as refusal:
        if refusal.reason == TOO_LARGE:
            raise WebRefusal(413) from None
        return error_response(request, 422, "invalid_image", translate(
            request[LANGUAGE], N_("This is not a camera picture the kiosk can read (JPEG, PNG or WebP).")))
    answer: dict[str, object] = {"code": None}
    for text in texts:
        claim_text = claim_text_in(text, state.config)
        if claim_text is not None:
            answer = {"code": claim_text}
            break
    else:
        if texts:
            answer["foreign"] = True
    response = web.json_response(answer)
    response.headers["Cache-Control"] = "no-store"
    return response
