"""POST /kiosk/{token}/frames: camera frames decoded server-side, what counts as our QR, size and rate limits."""

from __future__ import annotations

import logging
import os

import pytest
from sqlalchemy import func, select

from claims.codes import format_code
from claims.display_tokens import make_display_token
from claims.models import Base
from conftest import PUBLIC_URL, SECRET
from kiosk.keys import WebKeys
from kiosk.kiosk_frames import KIOSK_FRAMES, MAX_FRAME_BYTES
from kiosk_support import camera_frame, new_kiosk
from test_web_api import assert_error_shape

JPEG = {"Content-Type": "image/jpeg"}
TABLES = list(Base.metadata.sorted_tables)


async def post_frame(site, token: str, frame: bytes, **headers: str):
    return await site.client.post(f"/kiosk/{token}/frames", data=frame, headers={**JPEG, **headers})


@pytest.mark.parametrize("size", [(640, 480), (1280, 720)])
async def test_a_frame_showing_a_card_gives_its_code(site, size):
    [code] = await site.codes(count=1)
    token = await new_kiosk(site)
    response = await post_frame(site, token, camera_frame(f"{PUBLIC_URL}/c/{code}", size))
    assert response.status == 200
    assert await response.json() == {"code": format_code(code)}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
async def test_png_and_webp_frames_are_read_too(site, fmt):
    [code] = await site.codes(count=1)
    token = await new_kiosk(site)
    response = await post_frame(site, token, camera_frame(f"{PUBLIC_URL}/c/{code}", (640, 480), fmt=fmt),
                                **{"Content-Type": f"image/{fmt.lower()}"})
    assert await response.json() == {"code": format_code(code)}


async def test_a_card_printed_for_the_bot_gives_its_code(site, web_config):
    [code] = await site.codes(count=1)
    token = await new_kiosk(site)
    link = f"https://t.me/{web_config.telegram_bot_username}?start={code}"
    response = await post_frame(site, token, camera_frame(link, (640, 480)))
    assert await response.json() == {"code": format_code(code)}


async def test_a_bare_code_in_a_qr_is_read_as_a_code(site):
    [code] = await site.codes(count=1)
    token = await new_kiosk(site)
    response = await post_frame(site, token, camera_frame(format_code(code), (640, 480)))
    assert await response.json() == {"code": format_code(code)}


async def test_a_display_qr_gives_its_token_to_claim(site):
    [code] = await site.codes(max_claims=10, display_only=True)
    token = await new_kiosk(site)
    shown = make_display_token(WebKeys(SECRET).display_token, code, site.clock.now)
    response = await post_frame(site, token, camera_frame(f"{PUBLIC_URL}/c/{shown}", (640, 480)))
    assert await response.json() == {"code": shown}


async def test_a_frame_without_a_qr_gives_no_code(site):
    token = await new_kiosk(site)
    response = await post_frame(site, token, camera_frame(None))
    assert response.status == 200 and await response.json() == {"code": None}


@pytest.mark.parametrize("text", ["https://example.com/x", "https://example.com/c/7KQM3XTPW9RDHJ2",
                                  "https://t.me/some_other_bot?start=7KQM3XTPW9RDHJ2", "WIFI:S:venue;T:WPA;P:x;;"])
async def test_a_qr_that_is_not_ours_is_foreign(site, text):
    token = await new_kiosk(site)
    response = await post_frame(site, token, camera_frame(text, (640, 480)))
    assert response.status == 200 and await response.json() == {"code": None, "foreign": True}


@pytest.mark.parametrize("body", [b"", b"hello, not an image", b"\xff\xd8\xff\xe0" + b"\x00" * 100,
                                  b"<svg xmlns='http://www.w3.org/2000/svg'/>"])
async def test_a_body_that_is_no_image_is_422_invalid_image(site, body):
    token = await new_kiosk(site)
    response = await post_frame(site, token, body, **{"Accept-Language": "en"})
    assert response.status == 422
    assert "camera picture" in assert_error_shape(await response.json(), "invalid_image")


async def test_an_oversized_frame_is_refused_with_413_on_its_announced_length(site):
    token = await new_kiosk(site)
    response = await post_frame(site, token, os.urandom(MAX_FRAME_BYTES + 1))
    assert response.status == 413
    assert_error_shape(await response.json(), "body_too_large")


async def test_an_oversized_frame_sent_without_a_length_is_cut_off_with_413(site):
    token = await new_kiosk(site)

    async def chunks():
        for _ in range(MAX_FRAME_BYTES // 65536 + 2):
            yield os.urandom(65536)

    response = await site.client.post(f"/kiosk/{token}/frames", data=chunks(), headers=JPEG)
    assert response.status == 413
    assert_error_shape(await response.json(), "body_too_large")


async def test_a_frame_near_two_megabytes_passes_the_body_limit_of_this_route_only(site):
    token = await new_kiosk(site)
    big = b"\x89PNG\r\n\x1a\n" + os.urandom(MAX_FRAME_BYTES - 100)
    assert (await post_frame(site, token, big)).status == 422  # read, and found not to be an image
    api = await site.client.post("/api/v1/claims", data=big, headers={"Content-Type": "application/json"})
    assert api.status == 413


async def test_frames_are_rate_limited_per_kiosk(site):
    busy, calm = await new_kiosk(site), await new_kiosk(site)
    frame = camera_frame(None, (64, 48))
    for _ in range(KIOSK_FRAMES.limit):
        assert (await post_frame(site, busy, frame)).status == 200
    refused = await post_frame(site, busy, frame)
    assert refused.status == 429 and "Retry-After" in refused.headers
    assert_error_shape(await refused.json(), "rate_limited")
    assert (await post_frame(site, calm, frame)).status == 200


async def test_the_frame_limit_lets_frames_through_again_once_the_window_passes(site):
    token = await new_kiosk(site)
    frame = camera_frame(None, (64, 48))
    for _ in range(KIOSK_FRAMES.limit):
        await post_frame(site, token, frame)
    site.clock.advance(seconds=KIOSK_FRAMES.window.total_seconds() + 1)
    assert (await post_frame(site, token, frame)).status == 200


async def test_a_frame_leaves_nothing_behind_but_its_rate_count(site, caplog):
    [code] = await site.codes(count=1)
    token = await new_kiosk(site)
    async with site.db.sessionmaker() as session:
        before = {table: await session.scalar(select(func.count()).select_from(table)) for table in TABLES}
    with caplog.at_level(logging.DEBUG):
        for frame in (camera_frame(f"{PUBLIC_URL}/c/{code}", (640, 480)), b"not an image"):
            await post_frame(site, token, frame)
    async with site.db.sessionmaker() as session:
        after = {table: await session.scalar(select(func.count()).select_from(table)) for table in TABLES}
    assert {t.name: after[t] - before[t] for t in TABLES if after[t] != before[t]} == {"rate_events": 2}
    assert not [r for r in caplog.records if r.name.startswith(("kiosk", "claims", "qr"))]
