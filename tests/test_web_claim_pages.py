"""The phone claim page /c/{code}: the form, the claim, its refusals as pages, display tokens, languages."""

from __future__ import annotations

import html
import uuid
from datetime import timedelta

from sqlalchemy import func, select, update

from claims.codes import format_code, generate_code
from claims.display_tokens import make_display_token
from claims.models import Award, ClaimCode, Delivery
from conftest import SECRET
from kiosk.keys import WebKeys
from web_support import ClaimForm, build_app, make_codes, with_config


async def text_of(response) -> str:
    return html.unescape(await response.text())


async def awards(site) -> int:
    async with site.db.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(Award)) or 0


async def test_the_page_shows_the_badge_and_the_event_before_the_form(site):
    [code] = await site.codes(count=1)
    page = await text_of(await site.client.get(f"/c/{code}"))
    assert page.index("Explorateur numérique") < page.index("Journée des badges") < page.index("<form")
    assert "Poitiers" in page and "Délivré par Atelier Canopé" in page
    assert "Recevoir mon badge" in page and 'href="/privacy"' in page


async def test_the_event_time_is_in_the_event_time_zone(site):
    [code] = await site.codes(count=1)
    page = await text_of(await site.client.get(f"/c/{code}"))
    assert "12/06/2026, de 10:00 à 18:00 (heure : France)" in page  # 08:00-16:00 UTC is 10:00-18:00 in Paris in June


async def test_a_claim_redirects_to_the_badge_it_gave(site):
    [code] = await site.codes(count=1)
    response = await site.page_claim(code, name="Camille")
    assert response.status == 303
    async with site.db.sessionmaker() as session:
        award = (await session.scalars(select(Award))).one()
    assert response.headers["Location"] == f"/awards/{award.id}/received"
    assert award.recipient_name == "Camille" and award.channel == "web"


async def test_the_page_after_the_claim_offers_the_download_and_the_backpack_help(site):
    [code] = await site.codes(count=1)
    response = await site.page_claim(code)
    page = await text_of(await site.client.get(response.headers["Location"]))
    assert "Télécharger mon badge" in page and "download=" in page and "/badge.png" in page
    assert "sac à badges" in page and "portefeuille" in page
    assert "https://badges.example.org/awards/" in page


async def test_a_double_tap_sends_the_same_nonce_and_gets_one_award(site):
    [code] = await site.codes(max_claims=50)
    form = await site.open_form(f"/c/{code}")
    first = await site.client.post(f"/c/{code}", data=form.fields(), allow_redirects=False)
    second = await site.client.post(f"/c/{code}", data=form.fields(), allow_redirects=False)
    assert first.headers["Location"] == second.headers["Location"]
    assert await awards(site) == 1


async def test_a_resent_form_of_a_single_use_card_gives_the_badge_again_not_an_error(site):
    [code] = await site.codes(count=1)
    form = await site.open_form(f"/c/{code}")
    await site.client.post(f"/c/{code}", data=form.fields(), allow_redirects=False)
    again = await site.client.post(f"/c/{code}", data=form.fields(), allow_redirects=False)
    assert again.status == 303


async def test_a_used_code_gets_a_page_with_the_message_and_a_way_forward(site):
    [code] = await site.codes(count=1)
    await site.api_claim(code)
    response = await site.client.get(f"/c/{code}")
    page = await text_of(response)
    assert response.status == 409 and response.content_type == "text/html"
    assert "Ce code a déjà été utilisé." in page and "demandez à l'organisateur" in page.lower()


async def test_an_expired_code_gets_a_page_saying_since_when(site):
    now = site.clock.now
    [code] = await site.codes(count=1, valid_from=now - timedelta(days=3), valid_until=now - timedelta(days=1))
    response = await site.client.get(f"/c/{code}", headers={"Accept-Language": "en"})
    assert response.status == 410
    assert "This code closed on June 11, 2026 at 12:00 (France Time)." in await text_of(response)


async def test_a_mistyped_code_gets_the_typing_form_with_what_was_typed(site):
    code = generate_code()
    typo = format_code(code[:-1] + ("0" if code[-1] != "0" else "1"))
    response = await site.client.get(f"/c/{typo}")
    page = await text_of(response)
    assert response.status == 422
    assert "faute de frappe" in page and 'action="/c"' in page and f'value="{typo}"' in page


async def test_an_unknown_code_gets_the_typing_form(site):
    response = await site.client.get(f"/c/{format_code(generate_code())}")
    assert response.status == 404
    assert 'name="code"' in await response.text()


async def test_the_typing_form_leads_to_the_code_page(site):
    [code] = await site.codes(count=1)
    response = await site.client.get("/c", params={"code": format_code(code).lower()}, allow_redirects=False)
    assert response.status == 303
    followed = await site.client.get(response.headers["Location"])
    assert followed.status == 200


async def test_the_home_page_asks_for_the_code(site):
    page = await text_of(await site.client.get("/"))
    assert "Tapez le code imprimé sur votre carte." in page


async def test_a_bad_email_shows_the_form_again_with_the_values_and_the_same_nonce(site):
    [code] = await site.codes(count=1)
    form = await site.open_form(f"/c/{code}")
    response = await site.client.post(f"/c/{code}", data=form.fields(name="Lou", email="lou@"), allow_redirects=False)
    page = await text_of(response)
    assert response.status == 422
    assert 'aria-invalid="true"' in page and "adresse e-mail" in page and 'value="Lou"' in page
    assert ClaimForm.of(page).nonce == form.nonce
    assert await awards(site) == 0


async def test_a_display_token_opens_the_form_and_the_claim_outlives_the_token(site):
    [code] = await site.codes(max_claims=100)
    async with site.db.sessionmaker.begin() as session:
        await session.execute(update(ClaimCode).where(ClaimCode.code == code).values(display_only=True))
    token = make_display_token(WebKeys(SECRET).display_token, code, site.clock.now)
    form = await site.open_form(f"/c/{token}")
    assert form.ticket
    site.clock.advance(minutes=5)  # the token has rotated away while the person typed
    response = await site.client.post(f"/c/{token}", data=form.fields(name="Max"), allow_redirects=False)
    assert response.status == 303
    assert await awards(site) == 1


async def test_a_display_only_code_typed_bare_is_refused_with_a_page(site):
    [code] = await site.codes(max_claims=100)
    async with site.db.sessionmaker.begin() as session:
        await session.execute(update(ClaimCode).where(ClaimCode.code == code).values(display_only=True))
    response = await site.client.get(f"/c/{code}")
    assert response.status == 403
    assert "Scannez le QR code affiché à l'écran" in await text_of(response)


async def test_an_expired_display_token_says_to_scan_the_screen_again(site):
    [code] = await site.codes(max_claims=100)
    token = make_display_token(WebKeys(SECRET).display_token, code, site.clock.now - timedelta(minutes=10))
    response = await site.client.get(f"/c/{token}")
    assert response.status == 410
    assert "Scannez de nouveau l'écran" in await text_of(response)


async def test_the_page_speaks_english_when_the_browser_asks_for_it(site):
    [code] = await site.codes(count=1)
    page = await text_of(await site.client.get(f"/c/{code}", headers={"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"}))
    assert '<html lang="en">' in page and "Get my badge" in page


async def test_the_language_toggle_is_remembered_in_a_cookie(site):
    [code] = await site.codes(count=1)
    await site.client.get(f"/c/{code}", params={"lang": "en"})
    page = await text_of(await site.client.get(f"/c/{code}", headers={"Accept-Language": "fr"}))
    assert "Get my badge" in page


async def test_the_default_language_is_the_setting_when_the_browser_says_nothing(db, world, clock, aiohttp_client):
    client = await aiohttp_client(build_app(db, clock, with_config(default_language="en")))
    [code] = await make_codes(db, world, clock.now, count=1)
    assert "Get my badge" in await (await client.get(f"/c/{code}")).text()


async def test_open_in_telegram_is_offered_when_the_bot_is_configured(site):
    [code] = await site.codes(count=1)
    page = await text_of(await site.client.get(f"/c/{code}"))
    assert f'href="https://t.me/badges_bot?start={code}"' in page


async def test_no_telegram_link_without_a_bot(db, world, clock, aiohttp_client):
    client = await aiohttp_client(build_app(db, clock, with_config(telegram_bot_username="")))
    [code] = await make_codes(db, world, clock.now, count=1)
    assert "t.me" not in await (await client.get(f"/c/{code}")).text()


async def test_with_email_on_the_page_queues_a_mail_in_the_page_language(db, world, clock, aiohttp_client):
    client = await aiohttp_client(build_app(db, clock, with_config(email_enabled=True)))
    [code] = await make_codes(db, world, clock.now, count=1)
    page = await client.get(f"/c/{code}", params={"lang": "en"})
    form = ClaimForm.of(await page.text())
    assert "We send the badge to this address" in html.unescape(await page.text())
    response = await client.post(f"/c/{code}", data=form.fields(email="eve@example.org"), allow_redirects=False)
    assert response.headers["Location"].endswith("?mail=1")
    async with db.sessionmaker() as session:
        delivery = (await session.scalars(select(Delivery))).one()
    assert (delivery.target, delivery.language) == ("eve@example.org", "en")
    after = await text_of(await client.get(response.headers["Location"]))
    assert "We are also sending it to the e-mail address you gave." in after


async def test_the_page_after_the_claim_of_a_revoked_award_leads_to_its_public_page(site, issuing):
    [code] = await site.codes(count=1)
    award = (await (await site.api_claim(code)).json())["award_id"]
    await issuing.revoke(uuid.UUID(award))
    response = await site.client.get(f"/awards/{award}/received", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == f"/awards/{award}"
