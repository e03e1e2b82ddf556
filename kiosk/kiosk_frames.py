"""``POST /kiosk/{token}/frames``: a camera frame decoded server-side for browsers without BarcodeDetector.

A frame is a picture of whoever stands at the kiosk: it is read into memory, decoded, and dropped. It is
never written anywhere nor logged, whatever the outcome.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiohttp import web

from claims.codes import claim_text_in_qr
from claims.errors import ClaimError
from claims.kiosks import open_kiosk
from claims.rate_limits import RateRule, check_rate, count_event
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
        claim_text = claim_text_in_qr(text, public_url=state.config.public_url,
                                      bot_username=state.config.telegram_bot_username)
        if claim_text is not None:
            answer = {"code": claim_text}
            break
    else:
        if texts:
            answer["foreign"] = True
    response = web.json_response(answer)
    response.headers["Cache-Control"] = "no-store"
    return response
