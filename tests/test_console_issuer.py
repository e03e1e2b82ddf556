"""The issuer's profile in the console: the owner edits it and rotates its keys; old awards keep verifying."""

from __future__ import annotations

from html import unescape

from sqlalchemy import select

from claims.keyring import issuer_keys
from claims.models import AuditEntry, Issuer
from conftest import png_bytes
from test_console_badges import EXTERNAL_SVG

PROFILE = {"name": "Atelier Canopé 86", "url": "https://canope86.example.org", "email": "contact@canope86.example.org"}


async def test_organiser_sees_the_profile_without_a_form(organiser):
    status, html = await organiser.page("/organiser/issuer")
    assert status == 200 and "Atelier Canopé" in html and 'action="/organiser/issuer"' not in html


async def test_owner_updates_the_profile_and_its_logo(owner):
    response = await owner.upload("/organiser/issuer", PROFILE, png_bytes(32))
    assert response.status == 303
    async with owner.db.sessionmaker() as session:
        issuer = await session.get(Issuer, owner.world.issuer.id)
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "issuer.updated"))
    assert (issuer.name, issuer.url, issuer.email) == tuple(PROFILE.values()) and issuer.image == png_bytes(32)
    assert entry.actor.startswith("account:") and entry.issuer_id == issuer.id


async def test_profile_errors_are_beside_their_fields_with_values_kept(owner):
    response = await owner.upload("/organiser/issuer", {**PROFILE, "url": "canope.example.org"}, None,
                                  headers={"Accept-Language": "en"})
    html = unescape(await response.text())
    assert response.status == 422 and 'id="f-url-error"' in html and "http:// or https://" in html
    assert 'value="Atelier Canopé 86"' in html


async def test_an_unsafe_logo_is_refused(owner):
    response = await owner.upload("/organiser/issuer", PROFILE, EXTERNAL_SVG, filename="logo.svg")
    assert response.status == 422 and 'id="f-image-error"' in await response.text()


async def test_key_rotation_asks_then_retires_the_old_keys(owner):
    async with owner.db.sessionmaker() as session:
        before = {key.id for key in await issuer_keys(session, owner.world.issuer.id)}
    first = await owner.post("/organiser/issuer/keys/rotate")
    assert first.status == 200 and 'name="confirmed"' in await first.text()
    assert (await owner.post("/organiser/issuer/keys/rotate", {"confirmed": "yes"})).status == 303
    async with owner.db.sessionmaker() as session:
        keys = await issuer_keys(session, owner.world.issuer.id)
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "issuer.keys_rotated"))
    retired = {key.id for key in keys if key.retired_at is not None}
    assert retired == before and len(keys) == 2 * len(before) and entry is not None


async def test_retired_keys_stay_published_after_rotation(owner):
    # The core's own tests verify old awards after a rotation; here: the console's rotation is that one.
    async with owner.db.sessionmaker() as session:
        old = [key.id for key in await issuer_keys(session, owner.world.issuer.id) if key.algorithm == "RS256"]
    assert (await owner.post("/organiser/issuer/keys/rotate", {"confirmed": "yes"})).status == 303
    response = await owner.client.get(f"/ob2/keys/{old[0]}")
    assert response.status == 200


async def test_every_faulty_profile_field_is_told_at_once(owner):
    response = await owner.upload("/organiser/issuer", {"name": "", "url": "ftp://x", "email": "nope"}, None)
    html = await response.text()
    assert response.status == 422
    for field in ("name", "url", "email"):
        assert f'id="f-{field}-error"' in html, field
