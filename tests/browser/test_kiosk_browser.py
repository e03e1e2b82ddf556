"""Real Chromium at the kiosk page: the camera (a fake webcam filming a printed card), a USB scanner typing in
QWERTY and into an AZERTY computer, display mode scanned by a phone, a network cut mid-claim, and axe-core on
every screen in French and English. Screenshots at 1280×800 (and 390×844 for the phone) go to the artefacts."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, AsyncIterator
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from sqlalchemy import func, select, update

from badgeclaim.cli.demo import demo_badge_image
from camera_frames import card_photo, empty_desk, write_y4m
from claims.codes import format_code
from claims.kiosks import create_kiosk, revoke_kiosk
from claims.models import Award, BadgeClass
from conftest import Database, World, make_world, open_database
from qr import decode
from scanner_keys import azerty_strokes, qwerty_strokes, scan
from test_browser import AXE, LOCALES, axe_violations, chromium, missing, shoot
from web_support import Clock, build_app, make_codes, with_config

KIOSK = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
IDLE_S = 4  # the camera test waits for the reset; the others finish long before


@dataclass
class KioskSite:
    db: Database
    world: World
    clock: Clock
    url: str
    token: str
    display_token: str

    @property
    def kiosk_url(self) -> str:
        return f"{self.url}/kiosk/{self.token}"

    @property
    def display_url(self) -> str:
        return f"{self.url}/kiosk/{self.display_token}"

    async def code(self) -> str:
        return (await make_codes(self.db, self.world, self.clock.now, count=1))[0]

    async def awards(self) -> int:
        async with self.db.sessionmaker() as session:
            return await session.scalar(select(func.count()).select_from(Award)) or 0

    async def revoke(self) -> None:
        async with self.db.sessionmaker.begin() as session:
            await revoke_kiosk(session, self.token, self.clock.now, actor="test")


@contextlib.asynccontextmanager
async def serve_kiosk(tmp_path: Path, now: datetime, *, idle_seconds: int = 60) -> AsyncIterator[KioskSite]:
    """The real app on 127.0.0.1, PUBLIC_URL its own address (so the QR codes it shows open on it), with a
    card-reading kiosk and a display-mode kiosk of the world's event."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    async with open_database("sqlite", tmp_path) as db:
        world = await make_world(db, now)
        async with db.sessionmaker.begin() as session:
            await session.execute(update(BadgeClass).values(image=demo_badge_image(400)))
        poster = (await make_codes(db, world, now, max_claims=50, display_only=True))[0]
        async with db.sessionmaker.begin() as session:
            _, token = await create_kiosk(session, world.event.id, now, display_code=None, actor="test")
            _, display_token = await create_kiosk(session, world.event.id, now, display_code=poster, actor="test")
        clock = Clock(now)
        config = with_config(public_url=url, email_enabled=True, kiosk_idle_seconds=idle_seconds)
        runner = web.AppRunner(build_app(db, clock, config))
        await runner.setup()
        await web.SockSite(runner, listener).start()
        try:
            yield KioskSite(db, world, clock, url, token, display_token)
        finally:
            await runner.cleanup()


@pytest.fixture
async def site(tmp_path: Path, now: datetime) -> AsyncIterator[KioskSite]:
    async with serve_kiosk(tmp_path, now) as served:
        yield served


FAKE_CAMERA = ("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """Chromium with a fake camera showing its moving test pattern."""
    async with chromium(*FAKE_CAMERA) as launched:
        yield launched


async def kiosk_page(browser: Any, url: str, language: str = "fr", *, viewport: dict[str, int] = KIOSK,
                     axe: bool = False) -> Any:
    context = await browser.new_context(viewport=viewport, locale=LOCALES[language], bypass_csp=axe)
    await context.grant_permissions(["camera"], origin=f"{urlsplit(url).scheme}://{urlsplit(url).netloc}")
    page = await context.new_page()
    await page.goto(url)
    return page


async def on_screen(page: Any, name: str) -> None:
    await page.locator(f"#screen-{name}").wait_for(state="visible")


async def personal_traces(page: Any, *words: str) -> dict[str, Any]:
    """What of the attendee a next person (or a script) could still find in the page."""
    found = await page.evaluate("""(words) => {
        const html = document.documentElement.outerHTML;
        const values = Array.from(document.querySelectorAll('input')).map(i => i.value).filter(v => v);
        return {
            in_page: words.filter(w => html.includes(w)),
            input_values: values,
            local_storage: localStorage.length,
            session_storage: sessionStorage.length,
            history: history.length,
            url: location.href,
        };
    }""", list(words))
    return found


# 1. The camera --------------------------------------------------------------------------------------

async def test_a_card_shown_to_the_camera_gives_a_badge_and_the_kiosk_then_forgets_the_attendee(tmp_path, now):
    async with serve_kiosk(tmp_path, now, idle_seconds=IDLE_S) as site:
        code = await site.code()
        frame = card_photo(f"{site.url}/c/{code}")
        frame.save(tmp_path / "card.png")
        video = write_y4m(tmp_path / "card.y4m", [(frame, 10)])
        async with chromium(*FAKE_CAMERA, f"--use-file-for-fake-video-capture={video}") as browser:
            page = await kiosk_page(browser, site.kiosk_url)
            history_before = await page.evaluate("history.length")
            await on_screen(page, "form")
            await shoot(page, "kiosk-10-camera-read-card-form-fr")
            await page.locator("#name-input").fill("Camille Martin")
            await page.locator("#email-input").fill("camille.martin@example.org")
            await page.locator("#claim-send").click()
            await on_screen(page, "badge")
            await page.locator("#badge-image").evaluate("img => img.decode()")
            await page.locator("#download-qr").evaluate("img => img.decode()")
            shot = await shoot(page, "kiosk-11-camera-badge-fr")
            assert await page.locator("#emailed").is_visible()
            # The QR on screen is what the attendee's phone opens: it must download the badge.
            [download] = [text for text in decode(shot.read_bytes()) if text.startswith(f"{site.url}/dl/")]
            baked = await page.context.request.get(download)
            assert baked.status == 200 and (await baked.body()).startswith(b"\x89PNG")
            assert await site.awards() == 1
            award = await page.evaluate("document.getElementById('badge-image').src")
            # The reset reloads the page in place: a marker set now is gone with the old document.
            await page.evaluate("window.kioskTestMarker = true")
            await page.wait_for_function("() => window.kioskTestMarker === undefined", timeout=(IDLE_S + 10) * 1000)
            await page.locator("#screen-attract h1").wait_for(state="attached")
            traces = await personal_traces(page, "Camille", "camille.martin", code, format_code(code),
                                           urlsplit(award).path)
            await shoot(page, "kiosk-12-camera-after-reset-fr")
    assert traces["in_page"] == [] and traces["input_values"] == []
    assert traces["local_storage"] == 0 and traces["session_storage"] == 0
    assert traces["history"] == history_before
    assert traces["url"] == site.kiosk_url


# 2. The USB scanner -----------------------------------------------------------------------------------

async def skip_to_badge(page: Any) -> None:
    await on_screen(page, "form")
    await page.locator("#claim-skip").click()
    await page.locator("#screen-badge:not([hidden]), #screen-error:not([hidden])").wait_for()
    error = await page.locator("#error-text").inner_text()
    assert await page.locator("#screen-badge").is_visible(), error


async def test_a_usb_scanner_typing_the_code_fast_with_no_field_focused_gives_a_badge(site, browser):
    code = await site.code()
    page = await kiosk_page(browser, site.kiosk_url)
    await scan(page, qwerty_strokes(format_code(code)))
    await skip_to_badge(page)
    await shoot(page, "kiosk-20-scanner-badge-fr")
    assert await site.awards() == 1


async def test_a_qwerty_scanner_on_an_azerty_computer_still_gives_the_badge(site, browser):
    code = await site.code()
    page = await kiosk_page(browser, site.kiosk_url, "en")
    typed = await scan(page, azerty_strokes(f"{site.url}/c/{code}"))
    assert "&" in typed or "é" in typed or "à" in typed  # the digits did come out shifted
    await skip_to_badge(page)
    await shoot(page, "kiosk-21-azerty-scanner-badge-en")
    assert await site.awards() == 1


async def test_a_code_typed_by_a_qwerty_scanner_into_the_code_field_of_an_azerty_computer_is_mapped_back(site, browser):
    code = await site.code()
    page = await kiosk_page(browser, site.kiosk_url)
    await page.locator("#type-code").click()
    garbled = "".join(char for char, _, _ in azerty_strokes(format_code(code)))
    await page.locator("#code-input").fill(garbled)
    await page.locator("#code-form button[type=submit]").click()
    await skip_to_badge(page)
    assert await site.awards() == 1


async def test_slow_keystrokes_with_no_field_focused_are_not_taken_for_a_scan(site, browser):
    code = await site.code()
    page = await kiosk_page(browser, site.kiosk_url)
    await page.keyboard.type(format_code(code) + "\n", delay=120)
    assert await page.locator("#screen-attract").is_visible()
    assert await site.awards() == 0


async def test_a_card_read_after_the_kiosk_sat_idle_longer_than_its_idle_time_keeps_its_form(tmp_path, now):
    async with serve_kiosk(tmp_path, now, idle_seconds=2) as site:
        code = await site.code()
        # Four seconds of an empty desk (twice the idle time), then somebody holds up a card.
        scenes = [(empty_desk(), 40), (card_photo(f"{site.url}/c/{code}"), 40)]
        video = write_y4m(tmp_path / "late-card.y4m", scenes)
        async with chromium(*FAKE_CAMERA, f"--use-file-for-fake-video-capture={video}") as browser:
            page = await kiosk_page(browser, site.kiosk_url)
            await page.evaluate("window.kioskTestMarker = true")
            await on_screen(page, "form")
            await asyncio.sleep(1)  # well within the idle time the form now has
            assert await page.locator("#screen-form").is_visible()
            assert await page.evaluate("window.kioskTestMarker") is True


# 3. Display mode ------------------------------------------------------------------------------------

async def test_the_display_qr_read_from_the_screen_claims_on_a_phone_and_is_refused_two_periods_later(site, browser):
    page = await kiosk_page(browser, site.display_url)
    await page.locator("#display-qr").evaluate("img => img.decode()")
    shot = await shoot(page, "kiosk-30-display-fr")
    [link] = decode(shot.read_bytes())
    assert link.startswith(f"{site.url}/c/")

    phone = await (await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                             locale="fr-FR")).new_page()
    await phone.goto(link)
    await shoot(phone, "kiosk-31-display-claim-phone-fr")
    await phone.locator("form.claim button[type=submit]").click()
    await phone.wait_for_url("**/received")
    await shoot(phone, "kiosk-32-display-claimed-phone-fr")
    assert await site.awards() == 1

    site.clock.advance(seconds=120)
    later = await (await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                             locale="fr-FR")).new_page()
    await later.goto(link)
    assert "expiré" in await later.locator("main").inner_text()
    await shoot(later, "kiosk-33-display-photo-too-old-phone-fr")
    assert await site.awards() == 1


# 4. The network cut mid-claim --------------------------------------------------------------------------

async def test_a_claim_cut_off_by_the_network_is_retried_and_shows_one_badge(site, browser):
    code = await site.code()
    page = await kiosk_page(browser, site.kiosk_url)
    seen: list[str] = []
    statuses: list[int] = []
    notice_seen = asyncio.Event()

    async def flaky(route: Any) -> None:
        seen.append(route.request.headers.get("idempotency-key", ""))
        if len(seen) == 1:
            # The claim reaches the server and is made; its answer is lost on the way back.
            statuses.append((await route.fetch()).status)
            await route.abort("internetdisconnected")
        elif len(seen) == 2:
            await route.abort("internetdisconnected")  # the Wi-Fi is still down
        else:
            await notice_seen.wait()
            response = await route.fetch()
            statuses.append(response.status)
            await route.fulfill(response=response)

    await page.route("**/kiosk/*/claims", flaky)
    await scan(page, qwerty_strokes(format_code(code)))
    await on_screen(page, "form")
    await page.locator("#claim-skip").click()
    await page.locator("#retrying").wait_for(state="visible")
    await shoot(page, "kiosk-40-network-retrying-fr")
    notice_seen.set()
    await on_screen(page, "badge")
    await shoot(page, "kiosk-41-network-badge-once-fr")
    assert statuses == [201, 200]
    assert len(set(seen)) == 1 and len(seen[0]) >= 16
    assert await site.awards() == 1
    assert await page.locator("#badge-image").count() == 1


# 5. axe-core on every screen ------------------------------------------------------------------------------

HEADINGS = {"fr": "Montrez votre carte", "en": "Show your card"}


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_axe_finds_nothing_serious_on_any_kiosk_screen(site, browser, language):
    if not AXE.is_file():
        missing(f"axe-core not installed at {AXE} (npm ci in tests/browser)")
    code, used = await site.code(), await site.code()
    page = await kiosk_page(browser, site.kiosk_url, language, axe=True)
    found: dict[str, Any] = {}

    async def check(name: str) -> None:
        found[name] = await axe_violations(page)
        await shoot(page, f"kiosk-5{len(found)}-{name}-{language}")

    assert await page.locator("#screen-attract h1").inner_text() == HEADINGS[language]
    await page.locator("#camera").evaluate("v => new Promise(ok => v.readyState >= 2 ? ok() : v.onplaying = ok)")
    await check("attract")
    await page.locator("#type-code").click()
    await page.locator("#code-input").fill(format_code(code))
    await check("typing")
    await page.locator("#code-form button[type=submit]").click()
    await on_screen(page, "form")
    await page.locator("#name-input").fill("Camille Martin")
    await check("form")
    await page.locator("#claim-send").click()
    await on_screen(page, "badge")
    await page.locator("#download-qr").evaluate("img => img.decode()")
    await check("badge")

    await page.locator("#badge-done").click()
    await page.locator("#type-code").wait_for(state="visible")
    await page.locator("#type-code").click()
    await page.locator("#code-input").fill(used)
    await page.locator("#code-form button[type=submit]").click()
    await page.locator("#claim-skip").click()
    await on_screen(page, "badge")
    await page.locator("#badge-done").click()
    await page.locator("#type-code").click()
    await page.locator("#code-input").fill(used)
    await page.locator("#code-form button[type=submit]").click()
    await page.locator("#claim-skip").click()
    await on_screen(page, "error")
    await check("error")

    await site.revoke()
    await on_screen(page, "closed")
    await check("closed")
    await page.goto(site.kiosk_url)
    await check("closed-page")

    await page.goto(site.display_url)
    await page.locator("#display-qr").evaluate("img => img.decode()")
    await check("display")
    report = {name: [(v["id"], v["impact"], v["help"], len(v["nodes"])) for v in items] for name, items in found.items()}
    assert not any(found.values()), report


async def test_the_language_button_switches_every_text_without_a_reload(site, browser):
    page = await kiosk_page(browser, site.kiosk_url, "fr")
    await page.evaluate("window.kioskTestMarker = true")
    await page.locator("#lang-toggle").click()
    assert await page.locator("#screen-attract h1").inner_text() == HEADINGS["en"]
    assert await page.evaluate("document.documentElement.lang") == "en"
    assert await page.locator("#lang-toggle").inner_text() == "Français"
    assert await page.evaluate("window.kioskTestMarker") is True
    await shoot(page, "kiosk-60-attract-switched-to-en")
