"""Real Chromium against the real server: the phone claim with JavaScript off at 360×640, a used code, and
axe-core on the claim page, the page after it and the award page. Screenshots go to the artefacts folder."""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator

import pytest
from aiohttp import web
from sqlalchemy import func, select, update

from badgeclaim.cli.demo import demo_badge_image
from claims.models import Award, BadgeClass
from conftest import Database, World, make_world, open_database
from web_support import Clock, build_app, make_codes

CHROMIUM = os.environ.get("BADGECLAIM_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("BADGECLAIM_ARTIFACTS_DIR", Path(__file__).resolve().parents[2] / ".ci" / "artifacts"))
PHONE = {"width": 360, "height": 640}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
LOCALES = {"fr": "fr-FR", "en": "en-GB"}


def missing(what: str) -> None:
    """Skip, saying why, except in CI where a missing browser must fail the run."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI must run the browser tests: .ci/run installs them)")
    pytest.skip(what)


@dataclass
class Live:
    db: Database
    world: World
    clock: Clock
    url: str

    async def code(self, **kwargs: Any) -> str:
        return (await make_codes(self.db, self.world, self.clock.now, **kwargs))[0]

    async def awards(self) -> int:
        async with self.db.sessionmaker() as session:
            return await session.scalar(select(func.count()).select_from(Award)) or 0


@pytest.fixture
async def live(tmp_path: Path, now: Any) -> AsyncIterator[Live]:
    """The app served on 127.0.0.1 at a free port, on a SQLite file, with a badge worth looking at."""
    async with open_database("sqlite", tmp_path) as db:
        world = await make_world(db, now)
        async with db.sessionmaker.begin() as session:
            await session.execute(update(BadgeClass).values(image=demo_badge_image(400)))
        clock = Clock(now)
        runner = web.AppRunner(build_app(db, clock))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        try:
            yield Live(db, world, clock, f"http://{host}:{port}")
        finally:
            await runner.cleanup()


@contextlib.asynccontextmanager
async def chromium(*extra_args: str) -> AsyncIterator[Any]:
    """The distribution's Chromium, never a browser downloaded by Playwright; ``extra_args`` for a fake camera."""
    if not shutil.which(CHROMIUM):
        missing(f"Chromium not found at {CHROMIUM}")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        missing("the playwright package is not installed")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, *extra_args])
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async with chromium() as launched:
        yield launched


async def phone(browser: Any, language: str, *, javascript: bool, bypass_csp: bool = False) -> Any:
    context = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale=LOCALES[language],
        java_script_enabled=javascript, bypass_csp=bypass_csp,
    )
    return await context.new_page()


async def shoot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.parametrize("language, button, heading", [
    ("fr", "Recevoir mon badge", "Votre badge est prêt"),
    ("en", "Get my badge", "Your badge is ready"),
])
async def test_a_phone_claims_a_badge_with_javascript_off(live, browser, language, button, heading):
    code = await live.code(count=1)
    page = await phone(browser, language, javascript=False)
    await page.goto(f"{live.url}/c/{code}")
    await shoot(page, f"01-claim-page-{language}")
    await page.get_by_label("Votre nom" if language == "fr" else "Your name").fill("Camille Martin")
    await page.get_by_label("Votre e-mail" if language == "fr" else "Your e-mail").fill("camille@example.org")
    await shoot(page, f"02-claim-form-filled-{language}")
    await page.get_by_role("button", name=button).click()
    await page.wait_for_url("**/received")
    assert await page.get_by_role("heading", level=1).inner_text() == heading
    await shoot(page, f"03-badge-received-{language}")
    assert await live.awards() == 1


@pytest.mark.parametrize("language, words", [("fr", "Ce code a déjà été utilisé."), ("en", "This code has already been used.")])
async def test_a_used_code_shows_a_page_with_a_way_forward(live, browser, language, words):
    code = await live.code(count=1)
    first = await phone(browser, language, javascript=False)
    await first.goto(f"{live.url}/c/{code}")
    await first.locator("button[type=submit]").click()
    await first.wait_for_url("**/received")
    second = await phone(browser, language, javascript=False)
    await second.goto(f"{live.url}/c/{code}")
    assert words in await second.locator("main").inner_text()
    await shoot(second, f"04-used-code-{language}")


async def axe_violations(page: Any) -> list[dict[str, Any]]:
    await page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = await page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_axe_finds_nothing_serious_on_the_claim_result_and_award_pages(live, browser, language):
    if not AXE.is_file():
        missing(f"axe-core not installed at {AXE} (npm install in tests/browser)")
    code = await live.code(count=1)
    # CSP bypassed only so axe can be injected; the pages themselves are unchanged.
    page = await phone(browser, language, javascript=True, bypass_csp=True)
    found = {}
    await page.goto(f"{live.url}/c/{code}")
    found["claim"] = await axe_violations(page)
    await page.locator("button[type=submit]").click()
    await page.wait_for_url("**/received")
    found["received"] = await axe_violations(page)
    await shoot(page, f"05-badge-received-with-javascript-{language}")
    await page.goto(page.url.removesuffix("/received"))
    found["award"] = await axe_violations(page)
    await shoot(page, f"06-award-page-{language}")
    report = {name: [(v["id"], v["impact"], v["help"], len(v["nodes"])) for v in items] for name, items in found.items()}
    assert not any(found.values()), report


@pytest.mark.parametrize("language, words", [("fr", "faute de frappe"), ("en", "typo")])
async def test_a_mistyped_code_is_corrected_on_its_page_with_javascript_off(live, browser, language, words):
    code = await live.code(count=1)
    wrong = "0" if code[-1] != "0" else "1"
    page = await phone(browser, language, javascript=False)
    await page.goto(f"{live.url}/c/{code[:-1]}{wrong}")
    assert words in await page.locator("main").inner_text()
    await shoot(page, f"07-mistyped-code-{language}")
    await page.locator("input[name=code]").fill(code.lower())
    await page.locator("button[type=submit]").click()
    await page.wait_for_url(f"**/c/{code.lower()}")
    assert await page.locator("form.claim[method=post]").count() == 1
