"""The kiosk page and its calls through the real app: token checks, status, claims, display QR, downloads."""

from __future__ import annotations

import io
import json
import re
import uuid
from datetime import timedelta

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import func, select

from claims import errors
from claims.awards import revoke_award
from claims.display_tokens import make_display_token
from claims.download_links import make_download_token
from claims.kiosks import create_kiosk, revoke_kiosk
from claims.models import Award, BadgeClass, Delivery, Issuer
from claims.organising import create_codes, create_event
from conftest import PUBLIC_URL, SECRET
from kiosk.keys import WebKeys
from kiosk.kiosk_routes import KIOSK_CLAIMS
from kiosk_support import display_code, new_kiosk
from qr.reader import decode
from test_web_api import assert_error_shape
from web_support import Site, build_app, with_config

KEYS = WebKeys(SECRET)


async def count(site, model) -> int:
    async with site.db.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def revoke(site, token: str) -> None:
    async with site.db.sessionmaker.begin() as session:
        await revoke_kiosk(session, token, site.clock.now, "test")


async def claim(site, token: str, code: str, *, key: str | None = "attendee-key-0001", language: str = "fr",
                **body):
    headers = {"Accept-Language": language}
    if key is not None:
        headers["Idempotency-Key"] = key
    return await site.client.post(f"/kiosk/{token}/claims", json={"code": code, **body}, headers=headers)


def texts_of(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="kiosk-texts">(.*?)</script>', html, re.S)
    assert block, "no texts block on the page"
    return json.loads(block.group(1))


# --- the page ------------------------------------------------------------------------------------------------

async def test_the_kiosk_page_shows_its_event_and_is_never_cached(site):
    await site.codes(count=1)
    token = await new_kiosk(site)
    response = await site.client.get(f"/kiosk/{token}")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = await response.text()
    assert "Journée des badges" in html and "Poitiers" in html
    assert f"/ob2/badges/{site.world.badge.id}/image" in html


async def test_the_kiosk_page_embeds_both_languages_texts(site):
    token = await new_kiosk(site)
    texts = texts_of(await (await site.client.get(f"/kiosk/{token}")).text())
    assert set(texts) == {"fr", "en"}
    assert texts["fr"]["closed_title"] == "Kiosque fermé" and texts["en"]["closed_title"] == "Kiosk closed"


async def test_the_kiosk_page_keeps_the_content_security_policy(site):
    token = await new_kiosk(site)
    response = await site.client.get(f"/kiosk/{token}")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in await response.text()


async def test_the_idle_time_is_the_apps_setting_not_a_query(db, world, clock, aiohttp_client):
    client = await aiohttp_client(build_app(db, clock, with_config(kiosk_idle_seconds=45)))
    async with db.sessionmaker.begin() as session:
        _, token = await create_kiosk(session, world.event.id, clock.now, display_code=None, actor="test")
    html = await (await client.get(f"/kiosk/{token}?idle=1")).text()
    assert 'data-idle="45"' in html


async def test_a_display_kiosk_page_is_in_display_mode(site):
    token = await new_kiosk(site, display_code=await display_code(site))
    html = await (await site.client.get(f"/kiosk/{token}")).text()
    assert 'data-display="true"' in html and 'data-display-period="60"' in html


async def test_a_kiosk_that_reads_cards_is_not_in_display_mode(site):
    token = await new_kiosk(site)
    assert 'data-display="false"' in await (await site.client.get(f"/kiosk/{token}")).text()


@pytest.mark.parametrize("language, words", [("fr", "Kiosque fermé"), ("en", "Kiosk closed")])
async def test_an_unknown_kiosk_page_is_a_404_kiosk_closed_page(site, language, words):
    response = await site.client.get("/kiosk/no-such-kiosk-token-at-all-0", headers={"Accept-Language": language})
    assert response.status == 404
    assert words in await response.text()


async def test_a_revoked_kiosk_page_is_byte_for_byte_the_unknown_one(site):
    token = await new_kiosk(site)
    await revoke(site, token)
    revoked = await site.client.get(f"/kiosk/{token}")
    unknown = await site.client.get(f"/kiosk/{'x' * len(token)}")
    assert (revoked.status, await revoked.read()) == (unknown.status, await unknown.read())
    assert "Journée" not in await revoked.text()


# --- status --------------------------------------------------------------------------------------------------

async def test_status_of_an_open_kiosk_is_open_and_not_cached(site):
    token = await new_kiosk(site)
    response = await site.client.get(f"/kiosk/{token}/status")
    assert response.status == 200 and await response.json() == {"open": True}
    assert response.headers["Cache-Control"] == "no-store"


async def test_a_revoked_kiosk_is_closed_at_the_next_status_poll(site):
    token = await new_kiosk(site)
    assert (await site.client.get(f"/kiosk/{token}/status")).status == 200
    await revoke(site, token)
    response = await site.client.get(f"/kiosk/{token}/status")
    assert response.status == 404
    assert_error_shape(await response.json(), errors.KIOSK_CLOSED)


@pytest.mark.parametrize("route", ["status", "claims", "frames"])
async def test_every_json_route_answers_revoked_and_unknown_tokens_byte_for_byte_alike(site, route):
    token = await new_kiosk(site)
    await revoke(site, token)
    answers = []
    for tried in (token, "y" * len(token)):
        if route == "status":
            response = await site.client.get(f"/kiosk/{tried}/status")
        elif route == "claims":
            response = await claim(site, tried, "7KQM3-XTPW9-RDHJ2")
        else:
            response = await site.client.post(f"/kiosk/{tried}/frames", data=b"\xff\xd8", headers={
                "Content-Type": "image/jpeg"})
        answers.append((response.status, response.content_type, await response.read()))
    assert answers[0] == answers[1]
    assert answers[0][0] == 404 and json.loads(answers[0][2])["error"]["code"] == errors.KIOSK_CLOSED


# --- claims --------------------------------------------------------------------------------------------------

async def test_a_kiosk_claim_answers_201_with_the_badge_and_a_download_link(site):
    [code] = await site.codes(count=1)
    token = await new_kiosk(site)
    response = await claim(site, token, code, name="Ada")
    assert response.status == 201
    body = await response.json()
    award = body["award_id"]
    assert body["badge_name"] == "Explorateur numérique"
    assert body["image_url"] == f"/awards/{award}/badge.png"
    assert body["download_url"].startswith(f"{PUBLIC_URL}/dl/")
    assert body["download_qr_url"] == body["download_url"][len(PUBLIC_URL):] + "/qr.svg"
    assert body["emailed"] is False
    assert response.headers["Cache-Control"] == "no-store"


async def test_a_kiosk_claim_counts_as_channel_kiosk(site):
    [code] = await site.codes(count=1)
    token = await new_kiosk(site)
    await claim(site, token, code)
    async with site.db.sessionmaker() as session:
        assert await session.scalar(select(Award.channel)) == "kiosk"


async def test_a_retry_with_the_same_key_is_the_same_award_with_200(site):
    [code] = await site.codes(count=1)
    token = await new_kiosk(site)
    first = await claim(site, token, code, key="attendee-0001")
    again = await claim(site, token, code, key="attendee-0001")
    assert (first.status, again.status) == (201, 200)
    assert (await first.json())["award_id"] == (await again.json())["award_id"]
    assert await count(site, Award) == 1


async def test_the_next_attendee_on_a_poster_code_gets_a_new_award(site):
    [code] = await site.codes(max_claims=10)
    token = await new_kiosk(site)
    first = await claim(site, token, code, key="attendee-0001")
    second = await claim(site, token, code, key="attendee-0002")
    assert (first.status, second.status) == (201, 201)
    assert await count(site, Award) == 2


async def test_another_attendee_with_a_used_card_is_refused(site):
    [code] = await site.codes(count=1)
    token = await new_kiosk(site)
    await claim(site, token, code, key="attendee-0001")
    response = await claim(site, token, code, key="attendee-0002")
    assert response.status == 409
    assert_error_shape(await response.json(), errors.CODE_USED)


async def test_a_code_of_another_event_is_refused_as_unknown(site):
    async with site.db.sessionmaker.begin() as session:
        issuer = await session.get(Issuer, site.world.issuer.id)
        badge = await session.get(BadgeClass, site.world.badge.id)
        other = await create_event(session, issuer, name="Autre", starts_at=site.clock.now - timedelta(hours=1),
                                   ends_at=site.clock.now + timedelta(hours=3), now=site.clock.now)
        [code] = await create_codes(session, other, badge, count=1, now=site.clock.now)
    token = await new_kiosk(site)
    response = await claim(site, token, code)
    assert response.status == 404
    assert_error_shape(await response.json(), errors.UNKNOWN_CODE)
    assert await count(site, Award) == 0


async def test_an_email_at_the_kiosk_queues_a_delivery_and_says_so(db, world, clock, aiohttp_client):
    site = Site(db, world, clock, await aiohttp_client(build_app(db, clock, with_config(email_enabled=True))))
    [code] = await site.codes(count=1)
    token = await new_kiosk(site)
    response = await claim(site, token, code, email="ada@example.org")
    assert (await response.json())["emailed"] is True
    async with db.sessionmaker() as session:
        assert await session.scalar(select(Delivery.channel)) == "email"


async def test_an_email_is_not_queued_when_email_is_off(site):
    [code] = await site.codes(count=1)
    token = await new_kiosk(site)
    response = await claim(site, token, code, email="ada@example.org")
    assert (await response.json())["emailed"] is False
    assert await count(site, Delivery) == 0


async def test_a_malformed_email_is_invalid_input_naming_the_field(site):
    [code] = await site.codes(count=1)
    token = await new_kiosk(site)
    response = await claim(site, token, code, email="not an address", language="en")
    assert response.status == 422
    assert "e-mail address" in assert_error_shape(await response.json(), errors.INVALID_INPUT)


async def test_an_idempotency_key_over_64_characters_is_invalid_input(site):
    [code] = await site.codes(count=1)
    token = await new_kiosk(site)
    response = await claim(site, token, code, key="k" * 65)
    assert response.status == 422
    assert_error_shape(await response.json(), errors.INVALID_INPUT)


async def test_kiosk_claims_are_rate_limited_per_kiosk(site):
    [code] = await site.codes(max_claims=KIOSK_CLAIMS.limit + 5)
    busy, calm = await new_kiosk(site), await new_kiosk(site)
    for n in range(KIOSK_CLAIMS.limit):
        assert (await claim(site, busy, code, key=f"attendee-{n:04d}")).status == 201
    refused = await claim(site, busy, code, key="attendee-over", language="en")
    assert refused.status == 429 and int(refused.headers["Retry-After"]) > 0
    assert "kiosk" in assert_error_shape(await refused.json(), errors.RATE_LIMITED)
    assert (await claim(site, calm, code, key="attendee-calm")).status == 201


async def test_a_display_token_claimed_at_its_kiosk_works(site):
    code = await display_code(site)
    token = await new_kiosk(site, display_code=code)
    shown = make_display_token(KEYS.display_token, code, site.clock.now)
    assert (await claim(site, token, shown)).status == 201


# --- the display QR ------------------------------------------------------------------------------------------

def svg_text(svg: str) -> str:
    """What an SVG QR says, read back by drawing its module path with Pillow."""
    side = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    scale = 8
    image = Image.new("L", (side * scale, side * scale), 255)
    draw = ImageDraw.Draw(image)
    path = re.search(r'<path d="([^"]+)"', svg).group(1)
    for x, y, length in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path):
        x, y, length = int(x), int(y), int(length)
        draw.rectangle([x * scale, y * scale, (x + length) * scale - 1, (y + 1) * scale - 1], fill=0)
    out = io.BytesIO()
    image.save(out, format="PNG")
    [text] = decode(out.getvalue())
    return text


async def test_the_display_qr_is_a_no_store_svg_of_the_phone_claim_page(site):
    code = await display_code(site)
    token = await new_kiosk(site, display_code=code)
    response = await site.client.get(f"/kiosk/{token}/display.svg")
    assert response.status == 200 and response.content_type == "image/svg+xml"
    assert response.headers["Cache-Control"] == "no-store"
    text = svg_text(await response.text())
    assert text.startswith(f"{PUBLIC_URL}/c/") and len(text) > len(f"{PUBLIC_URL}/c/") + 20


async def test_the_display_qr_rotates_every_period(site):
    code = await display_code(site)
    token = await new_kiosk(site, display_code=code)
    first = svg_text(await (await site.client.get(f"/kiosk/{token}/display.svg")).text())
    site.clock.advance(seconds=60)
    second = svg_text(await (await site.client.get(f"/kiosk/{token}/display.svg")).text())
    assert first != second


async def test_a_display_token_opens_the_phone_claim_page_within_two_periods(site):
    code = await display_code(site)
    token = await new_kiosk(site, display_code=code)
    shown = svg_text(await (await site.client.get(f"/kiosk/{token}/display.svg")).text())
    site.clock.advance(seconds=60)
    assert (await site.client.get(shown[len(PUBLIC_URL):])).status == 200


async def test_a_display_token_two_periods_old_is_refused_by_the_phone_claim_page(site):
    code = await display_code(site)
    token = await new_kiosk(site, display_code=code)
    shown = svg_text(await (await site.client.get(f"/kiosk/{token}/display.svg")).text())
    site.clock.advance(seconds=120)
    response = await site.client.get(shown[len(PUBLIC_URL):], headers={"Accept-Language": "en"})
    assert response.status == 410
    assert "expired" in await response.text()


async def test_a_kiosk_that_reads_cards_has_no_display_qr(site):
    token = await new_kiosk(site)
    assert (await site.client.get(f"/kiosk/{token}/display.svg")).status == 404


async def test_a_revoked_display_kiosk_shows_no_qr(site):
    token = await new_kiosk(site, display_code=await display_code(site))
    await revoke(site, token)
    assert (await site.client.get(f"/kiosk/{token}/display.svg")).status == 404


# --- download links ------------------------------------------------------------------------------------------

async def _claimed(site) -> dict:
    [code] = await site.codes(count=1)
    token = await new_kiosk(site)
    return await (await claim(site, token, code)).json()


async def test_the_download_link_gives_the_baked_badge_as_an_attachment(site):
    body = await _claimed(site)
    response = await site.client.get(body["download_url"][len(PUBLIC_URL):])
    assert response.status == 200 and response.content_type == "image/png"
    assert response.headers["Content-Disposition"] == f'attachment; filename="badge-{body["award_id"]}.png"'
    assert b"openbadges" in await response.read()


async def test_the_download_qr_carries_the_absolute_download_link(site):
    body = await _claimed(site)
    response = await site.client.get(body["download_qr_url"])
    assert response.status == 200 and response.content_type == "image/svg+xml"
    assert svg_text(await response.text()) == body["download_url"]


async def test_a_download_link_stops_working_after_15_minutes(site):
    body = await _claimed(site)
    site.clock.advance(minutes=15, seconds=1)
    assert (await site.client.get(body["download_url"][len(PUBLIC_URL):])).status == 404
    assert (await site.client.get(body["download_qr_url"])).status == 404


async def test_a_download_link_still_works_just_before_15_minutes(site):
    body = await _claimed(site)
    site.clock.advance(minutes=14, seconds=59)
    assert (await site.client.get(body["download_url"][len(PUBLIC_URL):])).status == 200


async def test_a_forged_download_link_is_a_404_page(site):
    body = await _claimed(site)
    forged = make_download_token(WebKeys("another installation's secret").download_link,
                                 uuid.UUID(body["award_id"]), site.clock.now)
    response = await site.client.get(f"/dl/{forged}")
    assert response.status == 404 and response.content_type == "text/html"


async def test_an_edited_download_link_is_a_404(site):
    body = await _claimed(site)
    path = body["download_url"][len(PUBLIC_URL):]
    edited = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    assert (await site.client.get(edited)).status == 404


async def test_the_download_link_of_a_revoked_award_is_a_404(site):
    body = await _claimed(site)
    async with site.db.sessionmaker.begin() as session:
        await revoke_award(session, uuid.UUID(body["award_id"]), "mistake", site.clock.now)
    assert (await site.client.get(body["download_url"][len(PUBLIC_URL):])).status == 404
