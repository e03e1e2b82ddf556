"""Badge classes in the console: list, create with an image, edit, and every hostile upload refused cleanly."""

from __future__ import annotations

import uuid
from html import unescape
import zlib

import pytest
from sqlalchemy import select

from claims.models import AuditEntry, BadgeClass
from claims.organising import create_badge_class
from conftest import png_bytes
from console_support import make_other_issuer
from test_images import EVIL_SVG, grey_png

FIELDS = {"name": "Atelier robotique", "description": "A programmé un robot.", "criteria": "Finir le parcours.",
          "validity_days": ""}
CLEAN_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
             b'<circle cx="32" cy="32" r="30" fill="#e63"/></svg>')
XXE_SVG = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           b'<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>')
ENTITY_BOMB_SVG = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;'
                   b'&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
                   b'<svg xmlns="http://www.w3.org/2000/svg"><text>&c;</text></svg>')
EXTERNAL_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                b'<image xlink:href="https://tracker.example.org/pixel.png" width="10" height="10"/>'
                b'<rect width="5" height="5"/></svg>')


async def badge_count(console) -> int:
    async with console.db.sessionmaker() as session:
        return len((await session.scalars(select(BadgeClass.id))).all())


async def test_badge_list_shows_the_issuers_badges(organiser):
    status, html = await organiser.page("/organiser/badges")
    assert status == 200 and "Explorateur numérique" in html


async def test_create_a_badge_with_a_png(organiser):
    response = await organiser.upload("/organiser/badges/new", {**FIELDS, "validity_days": "365"}, png_bytes())
    assert response.status == 303
    badge_id = response.headers["Location"].split("/")[-1].split("?")[0]
    async with organiser.db.sessionmaker() as session:
        badge = await session.get(BadgeClass, uuid.UUID(badge_id))
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "badge.created",
                                                              AuditEntry.subject == badge_id))
    assert badge.name == "Atelier robotique" and badge.validity_days == 365 and badge.issuer_id == organiser.world.issuer.id
    assert entry.actor.startswith("account:") and entry.issuer_id == organiser.world.issuer.id


async def test_create_a_badge_with_a_clean_svg(organiser):
    response = await organiser.upload("/organiser/badges/new", FIELDS, CLEAN_SVG, filename="b.svg",
                                      content_type="image/svg+xml")
    assert response.status == 303


async def test_missing_name_is_said_beside_the_field_and_values_are_kept(organiser):
    response = await organiser.upload("/organiser/badges/new", {**FIELDS, "name": ""}, png_bytes(),
                                      headers={"Accept-Language": "en"})
    html = await response.text()
    assert response.status == 422
    assert 'id="f-name-error"' in html and "Invalid value: name" in html
    assert "A programmé un robot." in html and "Finir le parcours." in html


async def test_missing_image_is_said_beside_the_field(organiser):
    response = await organiser.upload("/organiser/badges/new", FIELDS, None)
    assert response.status == 422 and 'id="f-image-error"' in await response.text()


async def test_bad_validity_is_said_beside_the_field(organiser):
    response = await organiser.upload("/organiser/badges/new", {**FIELDS, "validity_days": "zero"}, png_bytes())
    assert response.status == 422 and 'id="f-validity_days-error"' in await response.text()


@pytest.mark.parametrize("data, filename, words", [
    (b"%PDF-1.4 not an image at all", "doc.pdf", "Ce n'est ni un PNG ni un SVG"),
    (EVIL_SVG, "evil.svg", "script"),
    (EXTERNAL_SVG, "tracker.svg", "href:external"),
    (XXE_SVG, "xxe.svg", "<!DOCTYPE>"),
    (ENTITY_BOMB_SVG, "bomb.svg", "<!DOCTYPE>"),
    (grey_png(40_000, 40_000, zlib.compress(bytes(64))), "bomb.png", "4096 × 4096"),
    (png_bytes() + b"x" * (2 * 1024 * 1024), "big.png", "2 Mo"),
], ids=["not-an-image", "svg-script", "svg-external", "xxe", "entity-bomb", "decompression-bomb", "over-2mb"])
async def test_hostile_upload_is_refused_beside_the_image_field(organiser, data, filename, words):
    response = await organiser.upload("/organiser/badges/new", FIELDS, data, filename=filename)
    html = unescape(await response.text())
    assert response.status == 422
    assert 'id="f-image-error"' in html and words in html
    assert 'value="Atelier robotique"' in html
    assert await badge_count(organiser) == 1


async def test_a_20_mb_upload_is_refused_before_it_is_read(organiser):
    response = await organiser.upload("/organiser/badges/new", FIELDS, bytes(20 * 1024 * 1024))
    assert response.status == 413
    assert "trop volumineux" in await response.text()
    assert await badge_count(organiser) == 1


async def test_other_forms_keep_the_small_body_limit(owner):
    response = await owner.post("/organiser/logout", {"padding": "x" * 200_000})
    assert response.status == 413


async def test_edit_a_badge_bumps_its_revision_and_keeps_the_image(organiser):
    path = f"/organiser/badges/{organiser.world.badge.id}"
    status, html = await organiser.page(path)
    assert status == 200 and "Explorateur numérique" in html
    response = await organiser.upload(path, {**FIELDS, "name": "Explorateur confirmé"}, None)
    assert response.status == 303
    async with organiser.db.sessionmaker() as session:
        badge = await session.get(BadgeClass, organiser.world.badge.id)
    assert badge.name == "Explorateur confirmé" and badge.revision == 2 and badge.image == png_bytes()


async def test_edit_with_a_new_image_replaces_it(organiser):
    path = f"/organiser/badges/{organiser.world.badge.id}"
    assert (await organiser.upload(path, FIELDS, CLEAN_SVG, filename="b.svg")).status == 303
    async with organiser.db.sessionmaker() as session:
        badge = await session.get(BadgeClass, organiser.world.badge.id)
    assert badge.image_mime == "image/svg+xml"


async def test_edit_refusal_keeps_the_typed_values(organiser):
    path = f"/organiser/badges/{organiser.world.badge.id}"
    response = await organiser.upload(path, {**FIELDS, "criteria": ""}, None)
    html = await response.text()
    assert response.status == 422 and 'id="f-criteria-error"' in html and "Atelier robotique" in html


async def test_another_issuers_badge_is_not_found(organiser):
    other = await make_other_issuer(organiser.db, organiser.clock.now)
    async with organiser.db.sessionmaker.begin() as session:
        from claims.models import Issuer
        issuer = await session.get(Issuer, other)
        badge = await create_badge_class(session, issuer, name="Secret", description="d", criteria="c",
                                         image=png_bytes(), now=organiser.clock.now)
        badge_id = badge.id
    assert (await organiser.page(f"/organiser/badges/{badge_id}"))[0] == 404
    response = await organiser.upload(f"/organiser/badges/{badge_id}", FIELDS, None)
    assert response.status == 404
    assert "Secret" not in (await organiser.page("/organiser/badges"))[1]


async def test_malformed_badge_id_is_not_found(organiser):
    assert (await organiser.page("/organiser/badges/not-a-uuid"))[0] == 404


async def test_badge_form_without_csrf_is_refused(organiser):
    response = await organiser.client.post("/organiser/badges/new", data=FIELDS, allow_redirects=False)
    assert response.status == 403


@pytest.mark.parametrize("path", ["/organiser/badges", "/organiser/badges/new", "/organiser/issuer",
                                  "/organiser/accounts", "/organiser/"])
async def test_anonymous_is_sent_to_login(console, path):
    response = await console.client.get(path, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/organiser/login")


async def test_every_faulty_field_is_told_at_once(organiser):
    response = await organiser.upload("/organiser/badges/new", {**FIELDS, "description": "", "criteria": "",
                                                                 "validity_days": "-3"}, None)
    html = await response.text()
    for field in ("description", "criteria", "validity_days", "image"):
        assert f'id="f-{field}-error"' in html, field
    assert 'id="f-name-error"' not in html
