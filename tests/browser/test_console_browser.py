"""A whole event run from the organiser console in real Chromium, as a new organiser would run it.

Set the password from the one-time link, sign in, create a badge (with its image) and an event, make 24
cards and read back every QR code of their PDF, open a kiosk, claim one badge on a phone (390×844), see
the live dashboard move without a reload, revoke that badge and read so on its public page, export the
CSV. Every console page is screenshotted (laptop 1280×800; the codes page and the dashboard on a tablet
820×1180 too) and checked with axe-core.
"""

from __future__ import annotations

import csv
import io
import socket
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, AsyncIterator

import pypdfium2 as pdfium
import pytest
from aiohttp import web
from sqlalchemy import select

from badgeclaim.cli.demo import demo_badge_image
from claims.accounts import create_account, password_link_path
from claims.codes import parse_code
from claims.models import Award, ClaimCode, SigningKey
from claims.organising import create_issuer
from conftest import Database, key_material, open_database
from kiosk import create_app
from qr.reader import read_qr_texts
from console_support import CHEAP_HASHER
from test_browser import ARTIFACTS, AXE, axe_violations, browser, missing  # noqa: F401  (fixture)
from web_support import CONFIG, Clock, issuing_context

LAPTOP = {"width": 1280, "height": 800}
TABLET = {"width": 820, "height": 1180}
PHONE = {"width": 390, "height": 844}
EMAIL = "claire.martin@canope.example.org"
PASSWORD = "une phrase de passe assez longue"
BADGE = "Explorateur·rice du numérique"
EVENT = "Journée Open Badges — Poitiers"
# The organiser's day: the clock of the server (claims are counted "as of now").
TODAY = "2026-06-12"


@dataclass
class Console:
    db: Database
    url: str
    link: str  # the one-time set-password link, as the CLI prints it


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def console(tmp_path: Path, now: Any) -> AsyncIterator[Console]:
    """The app on a real socket, an issuer with keys and nothing else, and a new organiser's link."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    async with open_database("sqlite", tmp_path) as db:
        async with db.sessionmaker.begin() as session:
            issuer = await create_issuer(session, name="Atelier Canopé de Poitiers", url="https://canope.example.org",
                                         email="badges@canope.example.org", now=now)
            for material in key_material():
                session.add(SigningKey(issuer_id=issuer.id, created_at=now, retired_at=None, **material))
            link = await create_account(session, issuer.id, EMAIL, "organiser", now, actor="cli")
        # The server's clock runs from the test's "now", so claims land within the event made below.
        clock = Clock(now)
        app = create_app(replace(CONFIG, public_url=url), db.sessionmaker, issuing_context(), clock=clock,
                         password_hasher=CHEAP_HASHER)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            yield Console(db, url, url + password_link_path(link.token))
        finally:
            await runner.cleanup()


class Pages:
    """Screenshots and axe-core, page after page; the findings are asserted together at the end."""

    def __init__(self) -> None:
        self.violations: dict[str, list[tuple[str, str, str, int]]] = {}

    async def check(self, page: Any, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / f"console-{name}.png"), full_page=True)
        found = [(v["id"], v["impact"], v["help"], len(v["nodes"])) for v in await axe_violations(page)]
        if found:
            self.violations[name] = found

    async def tablet(self, browser: Any, context: Any, url: str, name: str) -> None:
        tablet = await browser.new_context(viewport=TABLET, locale="fr-FR", bypass_csp=True,
                                           storage_state=await context.storage_state())
        page = await tablet.new_page()
        await page.goto(url)
        await self.check(page, name)
        await tablet.close()


def read_pdf_codes(pdf: bytes) -> list[str]:
    """The claim links in the QR codes of every page of a PDF, rendered as a printer would at 200 dpi."""
    texts: list[str] = []
    for page in pdfium.PdfDocument(pdf):
        texts += read_qr_texts(page.render(scale=200 / 72, grayscale=True).to_pil().convert("L"))
    return texts


async def test_a_new_organiser_runs_a_whole_event_from_the_console(console, browser, tmp_path):
    if not AXE.is_file():
        missing(f"axe-core not installed at {AXE} (npm ci in tests/browser)")
    checks = Pages()
    # CSP bypassed only so axe can be injected; the pages themselves are unchanged.
    laptop = await browser.new_context(viewport=LAPTOP, locale="fr-FR", bypass_csp=True, accept_downloads=True)
    page = await laptop.new_page()

    # 1. The link printed by `badgeclaim organiser add`: choose a password (signed in at once), then sign
    #    out and back in as on any other day.
    await page.goto(console.link)
    await checks.check(page, "01-set-password")
    await page.fill("#f-password", PASSWORD)
    await page.fill("#f-confirm", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/organiser/events")
    await page.click(".signout button")
    await page.goto(console.url + "/organiser/login")
    await checks.check(page, "02-login")
    await page.fill("#f-email", EMAIL)
    await page.fill("#f-password", PASSWORD)
    await page.click("form.console-form button[type=submit]")
    await page.wait_for_url("**/organiser/events")
    await checks.check(page, "03-events-empty")

    # 2. A badge class with its image.
    image = tmp_path / "badge.png"
    image.write_bytes(demo_badge_image(400))
    await page.goto(console.url + "/organiser/badges/new")
    await page.fill("#f-name", BADGE)
    await page.fill("#f-description", "A découvert les outils numériques de l'atelier.")
    await page.fill("#f-criteria", "Participer à un atelier de la journée.")
    await page.set_input_files("#f-image", str(image))
    await checks.check(page, "04-badge-new")
    await page.click("form.console-form button[type=submit]")
    await page.wait_for_url("**/organiser/badges/*")
    await checks.check(page, "05-badge-created")

    # 3. The event, its hours typed as the clocks there show them.
    await page.goto(console.url + "/organiser/events/new")
    await page.fill("#f-name", EVENT)
    await page.fill("#f-place", "Atelier Canopé, Poitiers")
    await page.select_option("#f-timezone", "Europe/Paris")
    await page.fill("#f-starts", f"{TODAY}T09:00")
    await page.fill("#f-ends", f"{TODAY}T17:30")
    await checks.check(page, "06-event-new")
    await page.click("form.console-form button[type=submit]")
    await page.wait_for_url("**/organiser/events/*")
    event_url = page.url
    assert "09:00 à 17:30" in await page.locator(".event-when").inner_text()
    await checks.check(page, "07-event")

    # 4. Twenty-four cards, and their PDF read back: every QR code is one of the codes, each once.
    await page.goto(event_url + "/codes")
    await page.fill("#f-count", "24")
    await page.click("#new-codes ~ form button[type=submit]")
    await page.wait_for_url("**/codes?made=*")
    await checks.check(page, "08-codes")
    await checks.tablet(browser, laptop, page.url, "08-codes-tablet")
    async with page.expect_download() as download_info:
        await page.locator("a[href$='codes.pdf']").first.click()
    pdf = Path(await (await download_info.value).path()).read_bytes()
    links = read_pdf_codes(pdf)
    async with console.db.sessionmaker() as session:
        codes = set(await session.scalars(select(ClaimCode.code)))
    assert len(codes) == 24
    assert sorted(parse_code(link) for link in links) == sorted(codes)
    assert all(link.startswith(console.url + "/c/") for link in links)

    # 5. A kiosk, opened from the link shown once.
    await page.goto(event_url + "/kiosks")
    await page.fill("#f-label", "Tablette de l'entrée")
    await page.click("form.console-form button[type=submit]")
    kiosk_link = (await page.locator("#kiosk-url").inner_text()).strip()
    await checks.check(page, "09-kiosk-created")
    async with laptop.expect_page() as opened:
        await page.click("a[target=_blank]")
    kiosk = await opened.value
    await kiosk.wait_for_load_state()
    assert kiosk.url == kiosk_link and "/kiosk/" in kiosk.url
    await kiosk.screenshot(path=str(ARTIFACTS / "console-10-kiosk-opened.png"))
    await kiosk.close()

    # 6. The dashboard stays open while a phone claims one card: its count moves without a reload.
    await page.goto(event_url + "/dashboard")
    await page.wait_for_function("document.getElementById('live-state').textContent.includes('En direct')")
    assert await page.locator("#total-awards").inner_text() == "0"
    await checks.check(page, "11-dashboard-before")
    await page.evaluate("window.__notReloaded = true")
    phone = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                      locale="fr-FR")
    claim = await phone.new_page()
    await claim.goto(links[0].replace(console.url, console.url))
    await claim.fill("#name", "Camille Durand")
    await claim.screenshot(path=str(ARTIFACTS / "console-12-phone-claim.png"), full_page=True)
    await claim.click("button[type=submit]")
    await claim.wait_for_url("**/received")
    await claim.screenshot(path=str(ARTIFACTS / "console-13-phone-received.png"), full_page=True)
    await page.wait_for_function("document.getElementById('total-awards').textContent.trim() === '1'",
                                 timeout=20_000)
    assert await page.evaluate("window.__notReloaded === true")
    await checks.check(page, "14-dashboard-after")
    await checks.tablet(browser, laptop, page.url, "14-dashboard-tablet")

    # 7. The award found by name, revoked with a reason; its public page says so.
    await page.goto(event_url + "/awards?q=camille")
    await checks.check(page, "15-awards")
    await page.click("a[href$='/revoke']")
    await page.fill("#f-reason", "Badge remis par erreur")
    await checks.check(page, "16-revoke-confirm")
    await page.click("button.danger")
    await page.wait_for_url("**/awards")
    async with console.db.sessionmaker() as session:
        award = await session.scalar(select(Award))
    assert award.revoked_at is not None
    await page.goto(f"{console.url}/awards/{award.id}")
    words = await page.locator("main").inner_text()
    assert "révoqué" in words.lower() and "Badge remis par erreur" in words
    await checks.check(page, "17-award-revoked")

    # 8. The CSV export names the revoked award.
    await page.goto(event_url + "/awards")
    async with page.expect_download() as download_info:
        await page.click("a[href$='awards.csv']")
    rows = list(csv.DictReader(io.StringIO(Path(await (await download_info.value).path()).read_text("utf-8"))))
    assert [(row["name"], bool(row["revoked_at"])) for row in rows] == [("Camille Durand", True)]

    # 9. A few pages in English too.
    for path, name in ((event_url + "/codes", "18-codes-en"), (event_url + "/dashboard", "19-dashboard-en"),
                       (event_url + "/awards", "20-awards-en")):
        await page.goto(path + "?lang=en")
        await checks.check(page, name)

    await phone.close()
    await laptop.close()
    assert not checks.violations, checks.violations
