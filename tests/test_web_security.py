"""Security of the web app: the CSP and headers, CSRF on forms, early refusal of big bodies, no traceback."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from claims.models import Award
from kiosk.security import content_security_policy

# One policy, in one place, and what it must never allow.
POLICY = content_security_policy()


def test_the_policy_allows_no_inline_code_and_no_other_site():
    directives = dict(part.split(" ", 1) for part in POLICY.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in POLICY and "unsafe-eval" not in POLICY and "*" not in POLICY


@pytest.mark.parametrize("path", ["/", "/privacy", "/c/anything", "/nowhere", "/api/v1/claims"])
async def test_every_response_carries_the_security_headers(site, path):
    response = await site.client.get(path)
    assert response.headers["Content-Security-Policy"] == POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_the_claim_page_is_never_cached_and_tells_no_referrer(site):
    [code] = await site.codes(count=1)
    response = await site.client.get(f"/c/{code}")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


async def test_pages_carry_no_inline_script_or_style(site):
    [code] = await site.codes(count=1)
    page = await (await site.client.get(f"/c/{code}")).text()
    assert "<style" not in page and " style=" not in page
    assert "<script>" not in page and "<script src=" in page and " on" + "click=" not in page


async def test_a_claim_form_without_its_token_is_refused_and_makes_no_award(site):
    [code] = await site.codes(count=1)
    form = await site.open_form(f"/c/{code}")
    response = await site.client.post(f"/c/{code}", data={"nonce": form.nonce, "name": "X"}, allow_redirects=False)
    assert response.status == 403
    assert "Ce formulaire a expiré" in html.unescape(await response.text())
    async with site.db.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Award)) == 0


async def test_a_claim_form_with_a_token_of_another_browser_is_refused(site, aiohttp_client):
    [code] = await site.codes(count=1)
    form = await site.open_form(f"/c/{code}")
    site.client.session.cookie_jar.clear()
    await site.client.get(f"/c/{code}")  # a fresh cookie, not the one the token was made for
    response = await site.client.post(f"/c/{code}", data=form.fields(), allow_redirects=False)
    assert response.status == 403


async def test_an_oversized_body_is_refused_with_413_before_it_is_read(site):
    big = b"{" + b" " * (70 * 1024) + b"}"
    response = await site.client.post("/api/v1/claims", data=big, headers={"Content-Type": "application/json"})
    assert response.status == 413
    assert (await response.json())["error"]["code"] == "body_too_large"


async def test_an_oversized_chunked_body_is_refused_with_413(site):
    async def chunks():
        for _ in range(100):
            yield b" " * 1024

    response = await site.client.post("/api/v1/claims", data=chunks(), headers={"Content-Type": "application/json"})
    assert response.status == 413


async def test_an_unknown_page_is_a_page_in_french_by_default(site):
    response = await site.client.get("/nowhere", headers={"Accept": "text/html"})
    assert response.status == 404
    assert response.content_type == "text/html"
    assert "Il n'y a rien à cette adresse" in html.unescape(await response.text())


async def test_a_failure_inside_a_handler_is_one_sentence_not_a_traceback(site):
    # A database that has gone away: the claim cannot be made, and the person reads one sentence.
    await site.db.engine.dispose()
    async with site.db.engine.begin() as conn:
        await conn.exec_driver_sql("DROP TABLE rate_events")
    response = await site.client.post("/api/v1/claims", json={"code": "7KQM3XTPW9RDHJ2"}, headers={"Accept-Language": "en"})
    body = await response.json()
    assert response.status == 500
    assert body == {"error": {"code": "server_error", "message": "Something went wrong on our side. Try again in a moment."}}


async def test_healthz_answers_200_when_the_database_answers(site):
    response = await site.client.get("/healthz")
    assert response.status == 200 and (await response.json()) == {"status": "ok"}
