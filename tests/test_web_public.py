"""Public pages and documents: /awards/{id}, every Open Badges document, media types, caching, /privacy."""

from __future__ import annotations

import html
import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from claims.models import Award, BadgeClass
from claims.openbadges.baking import unbake


async def text_of(response) -> str:
    return html.unescape(await response.text())


async def claimed(site, **body) -> str:
    [code] = await site.codes(count=1)
    response = await site.api_claim(code, **body)
    assert response.status == 201
    return (await response.json())["award_id"]


async def test_the_award_page_shows_name_issuer_event_and_status_in_words(site):
    award = await claimed(site, name="Ada Lovelace", email="ada@example.org")
    response = await site.client.get(f"/awards/{award}")
    page = await text_of(response)
    assert response.status == 200
    for words in ("Explorateur numérique", "Ada Lovelace", "Atelier Canopé", "Journée des badges", "Poitiers",
                  "Valable", "12/06/2026"):
        assert words in page
    assert f"/ob2/assertions/{award}" in page and f"/ob3/credentials/{award}" in page


async def test_the_award_page_in_english(site):
    award = await claimed(site)
    page = await text_of(await site.client.get(f"/awards/{award}", headers={"Accept-Language": "en"}))
    assert "Status:" in page and "Valid" in page and "Issued on" in page


async def test_a_revoked_award_says_so_in_words(site, issuing):
    award = await claimed(site)
    await issuing.revoke(uuid.UUID(award), reason="erreur de saisie")
    page = await text_of(await site.client.get(f"/awards/{award}"))
    assert "Révoqué par l'émetteur" in page and "erreur de saisie" in page


async def test_an_expired_award_says_so_in_words(site):
    award = await claimed(site)
    async with site.db.sessionmaker.begin() as session:
        await session.execute(update(Award).values(expires_at=site.clock.now - timedelta(days=1)))
    page = await text_of(await site.client.get(f"/awards/{award}", headers={"Accept-Language": "en"}))
    assert "Expired" in page and "Valid until" in page


async def test_asking_for_ld_json_gets_the_assertion(site):
    award = await claimed(site)
    response = await site.client.get(f"/awards/{award}", headers={"Accept": "application/ld+json"})
    assert response.status == 200 and response.content_type == "application/ld+json"
    body = json.loads(await response.read())
    assert body["type"] == "Assertion" and body["id"].endswith(f"/ob2/assertions/{award}")
    assert response.headers["Vary"] == "Accept"


async def test_a_browser_accept_header_gets_the_page(site):
    award = await claimed(site)
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = await site.client.get(f"/awards/{award}", headers={"Accept": accept})
    assert response.content_type == "text/html"


async def test_a_revoked_assertion_answers_410(site, issuing):
    award = await claimed(site)
    await issuing.revoke(uuid.UUID(award))
    response = await site.client.get(f"/ob2/assertions/{award}")
    assert response.status == 410
    assert json.loads(await response.read())["revoked"] is True


@pytest.mark.parametrize("path", ["/awards/{id}", "/ob2/assertions/{id}", "/ob3/credentials/{id}", "/awards/{id}/badge.png"])
async def test_an_unknown_award_is_404(site, path):
    response = await site.client.get(path.format(id=uuid.uuid4()))
    assert response.status == 404


async def test_a_malformed_award_id_is_404_not_500(site):
    assert (await site.client.get("/awards/not-a-uuid")).status == 404


def document_paths(site, award: str) -> dict[str, str]:
    world = site.world
    return {
        f"/ob2/assertions/{award}": "application/ld+json",
        f"/ob2/badges/{world.badge.id}": "application/ld+json",
        f"/ob2/badges/{world.badge.id}/image": "image/png",
        f"/ob2/issuers/{world.issuer.id}": "application/ld+json",
        f"/ob2/revocations/{world.issuer.id}": "application/ld+json",
        f"/ob3/credentials/{award}": "application/vc+ld+json",
        f"/ob3/status/{world.issuer.id}": "application/vc+ld+json",
        "/.well-known/did.json": "application/did+json",
        f"/awards/{award}/badge.png": "image/png",
    }


async def test_every_document_is_served_with_its_media_type(site):
    award = await claimed(site)
    for path, media_type in document_paths(site, award).items():
        response = await site.client.get(path)
        assert (response.status, response.content_type) == (200, media_type), path
        assert response.headers["Access-Control-Allow-Origin"] == "*"


async def test_the_ob2_key_document_is_served(site, key_material):
    rsa = next(k for k in key_material if k["algorithm"] == "RS256")
    response = await site.client.get(f"/ob2/keys/{rsa['id']}")
    assert response.status == 200 and response.content_type == "application/ld+json"


async def test_a_document_answers_304_to_its_etag(site):
    award = await claimed(site)
    first = await site.client.get(f"/ob2/assertions/{award}")
    again = await site.client.get(f"/ob2/assertions/{award}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304 and not await again.read()


async def test_the_signed_credential_is_cached_as_immutable_and_the_assertion_is_revalidated(site):
    award = await claimed(site)
    credential = await site.client.get(f"/ob3/credentials/{award}")
    assertion = await site.client.get(f"/ob2/assertions/{award}")
    assert "immutable" in credential.headers["Cache-Control"]
    assert assertion.headers["Cache-Control"] == "no-cache"


async def test_the_baked_image_unbakes_to_the_award(site):
    award = await claimed(site)
    image = await (await site.client.get(f"/awards/{award}/badge.png")).read()
    payloads = unbake(image)
    assert payloads.ob3 is not None and award in payloads.ob3
    assert payloads.ob2 is not None and award in payloads.ob2


async def test_the_svg_address_of_a_png_badge_leads_to_the_png(site):
    award = await claimed(site)
    response = await site.client.get(f"/awards/{award}/badge.svg", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == f"/awards/{award}/badge.png"


async def test_a_revoked_award_has_no_image(site, issuing):
    award = await claimed(site)
    await issuing.revoke(uuid.UUID(award))
    assert (await site.client.get(f"/awards/{award}/badge.png")).status == 410


@pytest.mark.parametrize("language, words", [("fr", "Ce que nous gardons"), ("en", "What we keep")])
async def test_the_privacy_page_says_what_is_kept(site, language, words):
    page = await text_of(await site.client.get("/privacy", headers={"Accept-Language": language}))
    assert words in page


async def test_static_files_are_cached_for_a_year_by_their_digest(site):
    page = await (await site.client.get("/privacy")).text()
    stylesheet = page.split('rel="stylesheet" href="')[1].split('"')[0]
    response = await site.client.get(stylesheet)
    assert response.status == 200 and "immutable" in response.headers["Cache-Control"]


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="30"/></svg>'


async def test_an_svg_badge_is_served_at_its_svg_address(site):
    async with site.db.sessionmaker.begin() as session:
        await session.execute(update(BadgeClass).values(image=SVG, image_mime="image/svg+xml"))
    [code] = await site.codes(count=1)
    body = await (await site.api_claim(code)).json()
    award = body["award_id"]
    assert body["badge_image_url"].endswith(f"/awards/{award}/badge.svg")
    png = await site.client.get(f"/awards/{award}/badge.png", allow_redirects=False)
    assert png.status == 302 and png.headers["Location"] == f"/awards/{award}/badge.svg"
    svg = await site.client.get(f"/awards/{award}/badge.svg")
    assert svg.content_type == "image/svg+xml" and b"openbadges" in await svg.read()
    assert "sandbox" in svg.headers["Content-Security-Policy"]
