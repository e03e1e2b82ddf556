"""Real Chromium on the organiser console: signing in, the badge pages (an error beside its field), the
issuer and organisers pages, at tablet-upright (390×844... a phone) and laptop (1280×800) sizes, in French
and English, with axe-core finding nothing serious. Screenshots go to the artefacts folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any, AsyncIterator

import pytest
from aiohttp import web
from sqlalchemy import update

from badgeclaim.cli.demo import demo_badge_image
from claims.models import BadgeClass
from conftest import make_world, open_database
from console_support import CHEAP_HASHER, CONSOLE_CONFIG, OWNER_EMAIL, PASSWORD, make_account
from kiosk import create_app
from test_browser import AXE, LOCALES, axe_violations, browser, missing, shoot  # noqa: F401  (fixture)
from web_support import Clock, issuing_context

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 800}}
SIGN_IN = {"fr": "Se connecter", "en": "Sign in"}


@pytest.fixture
async def console_url(tmp_path: Path, now: Any) -> AsyncIterator[str]:
    async with open_database("sqlite", tmp_path) as db:
        world = await make_world(db, now)
        async with db.sessionmaker.begin() as session:
            await session.execute(update(BadgeClass).values(image=demo_badge_image(400)))
        await make_account(db, world.issuer.id, OWNER_EMAIL, "owner", now)
        await make_account(db, world.issuer.id, "organiser@canope.example.org", "organiser", now)
        app = create_app(CONSOLE_CONFIG, db.sessionmaker, issuing_context(), clock=Clock(now),
                         password_hasher=CHEAP_HASHER)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        try:
            yield f"http://{host}:{port}"
        finally:
            await runner.cleanup()


async def open_page(browser: Any, language: str, size: str) -> Any:
    # CSP bypassed only so axe can be injected; the pages themselves are unchanged.
    context = await browser.new_context(viewport=SIZES[size], locale=LOCALES[language], bypass_csp=True,
                                        is_mobile=size == "phone", has_touch=size == "phone")
    return await context.new_page()


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("language", ["fr", "en"])
async def test_console_pages_read_well_and_pass_axe(console_url, browser, language, size):
    if not AXE.is_file():
        missing(f"axe-core not installed at {AXE} (npm ci in tests/browser)")
    page = await open_page(browser, language, size)
    found: dict[str, Any] = {}
    await page.goto(f"{console_url}/organiser/badges")
    await page.wait_for_url("**/organiser/login**")
    found["login"] = await axe_violations(page)
    await shoot(page, f"console-01-login-{language}-{size}")
    await page.locator("#f-email").fill(OWNER_EMAIL)
    await page.locator("#f-password").fill("not the password")
    await page.get_by_role("button", name=SIGN_IN[language]).click()
    await shoot(page, f"console-02-login-refused-{language}-{size}")
    await page.locator("#f-password").fill(PASSWORD)
    await page.get_by_role("button", name=SIGN_IN[language]).click()
    await page.wait_for_url("**/organiser/badges")
    found["badges"] = await axe_violations(page)
    await shoot(page, f"console-03-badges-{language}-{size}")
    await page.goto(f"{console_url}/organiser/badges/new")
    await page.locator("#f-name").fill("Atelier robotique")
    await page.locator("form.console-form button[type=submit]").click()
    await page.wait_for_selector("#f-image-error")
    found["badge form with errors"] = await axe_violations(page)
    await shoot(page, f"console-04-badge-errors-{language}-{size}")
    await page.goto(f"{console_url}/organiser/badges")
    await page.locator("table.list a").first.click()
    found["badge edit"] = await axe_violations(page)
    await shoot(page, f"console-05-badge-edit-{language}-{size}")
    await page.goto(f"{console_url}/organiser/issuer")
    found["issuer"] = await axe_violations(page)
    await shoot(page, f"console-06-issuer-{language}-{size}")
    await page.goto(f"{console_url}/organiser/accounts")
    await page.locator("#f-email").fill("new@example.org")
    await page.locator("form.console-form button[type=submit]").click()
    await page.wait_for_selector(".secret")
    found["organisers"] = await axe_violations(page)
    await shoot(page, f"console-07-organisers-{language}-{size}")
    report = {name: [(v["id"], v["impact"], v["help"], len(v["nodes"])) for v in items] for name, items in found.items()}
    assert not any(found.values()), report
