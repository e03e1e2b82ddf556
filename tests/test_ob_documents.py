"""What our public badge URLs serve: content types, shapes, 410 once revoked, the status list and did.json."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from claims.errors import NOT_FOUND, ClaimError
from claims.models import Award, SigningKey
from claims.openbadges.baking import unbake
from claims.keyring import rotate_keys
from claims.organising import create_badge_class
from claims.openbadges.keys import ED25519, RS256, public_multikey
from claims.openbadges.ob3 import STATUS_LIST_VALIDITY
from claims.openbadges.timestamps import iso_utc
from claims.publishing import ServedDocument, document_for_path
from claims.openbadges.status_list import LIST_BITS, decode_status_list, is_set
from claims.openbadges.urls import BadgeUrls
from ob_support import PUBLIC_URL, SECRET, SVG, Issuing

URLS = BadgeUrls(PUBLIC_URL)


async def get(issuing: Issuing, url: str) -> ServedDocument:
    async with issuing.db.sessionmaker() as session:
        return await document_for_path(
            session, url, issuing=issuing.context(), now=issuing.now
        )


def body(served: ServedDocument) -> dict[str, Any]:
    return json.loads(served.body)


async def test_json_documents_are_served_with_their_content_types(issuing: Issuing):
    award_id = await issuing.award()
    world = issuing.world
    expected = {
        URLS.assertion(award_id): ("application/ld+json", "Assertion"),
        URLS.badge(world.badge.id): ("application/ld+json", "BadgeClass"),
        URLS.issuer(world.issuer.id): ("application/ld+json", "Issuer"),
        URLS.ob2_revocations(world.issuer.id): ("application/ld+json", "RevocationList"),
        URLS.credential(award_id): ("application/vc+ld+json", ["VerifiableCredential", "OpenBadgeCredential"]),
        URLS.status_list(world.issuer.id): (
            "application/vc+ld+json", ["VerifiableCredential", "BitstringStatusListCredential"]),
    }
    for url, (content_type, kind) in expected.items():
        served = await get(issuing, url)
        assert (served.status, served.content_type) == (200, content_type), url
        assert body(served)["type"] == kind
        assert body(served)["id"] == url


async def test_paths_are_served_like_absolute_urls(issuing: Issuing):
    award_id = await issuing.award()
    by_path = await get(issuing, f"/ob2/assertions/{award_id}")
    assert by_path == await get(issuing, URLS.assertion(award_id))


async def test_credential_served_is_the_signed_one_stored(issuing: Issuing):
    award_id = await issuing.award()
    served = await get(issuing, URLS.credential(award_id))
    assert served.body.decode() == (await issuing.load(award_id)).ob3_credential
    assert "proof" in body(served)


async def test_revoked_assertion_answers_410_with_a_revoked_body(issuing: Issuing):
    award_id = await issuing.award()
    await issuing.revoke(award_id, "Attribué par erreur")
    served = await get(issuing, URLS.assertion(award_id))
    assert served.status == 410
    assert body(served)["id"] == URLS.assertion(award_id)
    assert body(served)["revoked"] is True
    assert body(served)["revocationReason"] == "Attribué par erreur"
    assert (await get(issuing, URLS.award_image(award_id, "image/png"))).status == 410


async def test_revocation_shows_in_the_ob2_list_and_the_ob3_status_bit(issuing: Issuing):
    kept, revoked = await issuing.award(), await issuing.award()
    await issuing.revoke(revoked)
    issuer_id = issuing.world.issuer.id
    listing = body(await get(issuing, URLS.ob2_revocations(issuer_id)))
    assert [entry["id"] for entry in listing["revokedAssertions"]] == [URLS.assertion(revoked)]
    status = body(await get(issuing, URLS.status_list(issuer_id)))
    bits = decode_status_list(status["credentialSubject"]["encodedList"])
    assert len(bits) * 8 >= 131072
    assert is_set(bits, (await issuing.load(revoked)).status_index)
    assert not is_set(bits, (await issuing.load(kept)).status_index)
    assert isinstance(status["proof"], list) and len(status["proof"]) == 1
    assert status["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert status["issuer"] == URLS.did


async def test_status_list_is_valid_for_a_short_while_from_when_it_is_served(issuing: Issuing, now):
    later = now + timedelta(hours=3)
    async with issuing.db.sessionmaker() as session:
        served = await document_for_path(session, URLS.status_list(issuing.world.issuer.id),
                                         issuing=issuing.context(), now=later)
    status = body(served)
    assert status["validFrom"] == iso_utc(later)
    assert status["validUntil"] == iso_utc(later + STATUS_LIST_VALIDITY)
    assert status["proof"][0]["created"] == iso_utc(later)


async def test_issuer_profile_names_its_keys_and_the_key_document_is_served(issuing: Issuing):
    # Also for a hosted installation: badges signed before a switch to hosted must keep verifying.
    profile = body(await get(issuing, URLS.issuer(issuing.world.issuer.id)))
    assert profile["revocationList"] == URLS.ob2_revocations(issuing.world.issuer.id)
    key = body(await get(issuing, profile["publicKey"]))
    assert key["type"] == "CryptographicKey"
    assert key["owner"] == profile["id"]
    assert key["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")


async def test_signed_award_serves_exactly_the_assertion_it_signed(issuing: Issuing):
    award_id = await issuing.award(ob2_signed=True)
    served = body(await get(issuing, URLS.assertion(award_id)))
    assert served["verification"]["type"] == "signed"
    assert served["verification"]["creator"].startswith(f"{PUBLIC_URL}/ob2/keys/rs256-")


async def test_did_document_lists_active_and_retired_keys_for_assertions(issuing: Issuing, now):
    async with issuing.db.sessionmaker.begin() as session:
        await rotate_keys(session, issuing.world.issuer.id, SECRET, now)
    served = await get(issuing, URLS.did_document)
    assert served.status == 200 and served.content_type == "application/did+json"
    did = body(served)
    assert did["id"] == "did:web:badges.example.org"
    async with issuing.db.sessionmaker() as session:
        keys = (await session.scalars(select(SigningKey))).all()
    ed_keys = [k for k in keys if k.algorithm == ED25519]
    assert len(ed_keys) == 2 and any(k.retired_at for k in ed_keys)
    multikeys = {m["id"]: m for m in did["verificationMethod"] if m["type"] == "Multikey"}
    assert set(multikeys) == {URLS.verification_method(k.id) for k in ed_keys}
    for key in ed_keys:
        method = multikeys[URLS.verification_method(key.id)]
        assert method["controller"] == did["id"]
        assert method["publicKeyMultibase"] == public_multikey(key)
    assert set(did["assertionMethod"]) >= set(multikeys)


async def test_did_document_holds_only_multikey_methods_under_two_contexts(issuing: Issuing):
    did = body(await get(issuing, URLS.did_document))
    assert did["@context"] == ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
    assert did["verificationMethod"] and {m["type"] for m in did["verificationMethod"]} == {"Multikey"}
    assert all(m["publicKeyMultibase"].startswith("z6Mk") for m in did["verificationMethod"])


async def test_rsa_key_is_served_as_a_bare_public_jwk(issuing: Issuing):
    async with issuing.db.sessionmaker() as session:
        rsa = await session.scalar(select(SigningKey).where(SigningKey.algorithm == RS256))
    assert rsa is not None
    served = await get(issuing, URLS.public_jwk(rsa.id))
    assert (served.status, served.content_type) == (200, "application/jwk+json")
    jwk = body(served)
    assert set(jwk) == {"kty", "n", "e"} and jwk["kty"] == "RSA"


async def test_ed25519_key_has_no_jwk_url(issuing: Issuing):
    async with issuing.db.sessionmaker() as session:
        ed = await session.scalar(select(SigningKey).where(SigningKey.algorithm == ED25519))
    assert ed is not None
    with pytest.raises(ClaimError) as refused:
        await get(issuing, URLS.public_jwk(ed.id))
    assert refused.value.code == NOT_FOUND


async def test_images_are_served_with_their_type(issuing: Issuing):
    served = await get(issuing, URLS.badge_image(issuing.world.badge.id))
    assert served.status == 200 and served.content_type == "image/png"
    with pytest.raises(ClaimError) as refused:
        await get(issuing, URLS.issuer_image(issuing.world.issuer.id))  # the world's issuer has no image
    assert refused.value.code == NOT_FOUND


async def test_award_png_carries_both_payloads(issuing: Issuing):
    award_id = await issuing.award()
    served = await get(issuing, URLS.award_image(award_id, "image/png"))
    assert served.content_type == "image/png"
    baked = unbake(served.body)
    assert json.loads(baked.ob2 or "")["id"] == URLS.assertion(award_id)
    assert baked.ob3 == (await issuing.load(award_id)).ob3_credential


async def svg_award(issuing: Issuing) -> uuid.UUID:
    async with issuing.db.sessionmaker.begin() as session:
        badge = await create_badge_class(session, issuing.world.issuer, name="Badge vectoriel", description="SVG.",
                                         criteria="Venir.", image=SVG, now=issuing.now)
    return await issuing.award(badge_id=badge.id)


async def test_svg_award_is_served_as_svg_at_its_svg_url(issuing: Issuing):
    award_id = await svg_award(issuing)
    served = await get(issuing, URLS.award_image(award_id, "image/svg+xml"))
    assert (served.status, served.content_type) == (200, "image/svg+xml")
    assert unbake(served.body).ob3 == (await issuing.load(award_id)).ob3_credential


async def test_svg_award_has_no_png_url(issuing: Issuing):
    award_id = await svg_award(issuing)
    with pytest.raises(ClaimError) as refused:
        await get(issuing, URLS.award_image(award_id, "image/png"))
    assert refused.value.code == NOT_FOUND


async def test_png_award_has_no_svg_url(issuing: Issuing):
    award_id = await issuing.award()
    with pytest.raises(ClaimError) as refused:
        await get(issuing, URLS.award_image(award_id, "image/svg+xml"))
    assert refused.value.code == NOT_FOUND


@pytest.mark.parametrize(
    "url",
    [
        URLS.assertion(uuid.uuid4()),
        URLS.credential(uuid.uuid4()),
        URLS.issuer(uuid.uuid4()),
        URLS.ob2_key("rs256-0000"),
        URLS.public_jwk("rs256-0000"),
        URLS.award_page(uuid.uuid4()),
        "https://elsewhere.example/ob2/assertions/x",
        "/nothing/here",
    ],
)
async def test_unknown_documents_are_not_found(issuing: Issuing, url):
    with pytest.raises(ClaimError) as refused:
        await get(issuing, url)
    assert refused.value.code == NOT_FOUND


async def test_ed25519_keys_are_not_served_as_ob2_keys(issuing: Issuing):
    async with issuing.db.sessionmaker() as session:
        ed = await session.scalar(select(SigningKey).where(SigningKey.algorithm == ED25519))
        rsa = await session.scalar(select(SigningKey).where(SigningKey.algorithm == RS256))
    assert ed is not None and rsa is not None
    with pytest.raises(ClaimError):
        await get(issuing, URLS.ob2_key(ed.id))
    assert (await get(issuing, URLS.ob2_key(rsa.id))).status == 200


async def test_award_without_email_is_issued_and_served(issuing: Issuing):
    award_id = await issuing.award(email=None)
    assertion = body(await get(issuing, URLS.assertion(award_id)))
    assert assertion["recipient"]["type"] == "url"
    async with issuing.db.sessionmaker() as session:
        award = await session.get(Award, award_id)
        assert award is not None and award.ob3_credential


async def test_status_list_covers_every_index_an_award_can_draw(issuing: Issuing):
    async with issuing.db.sessionmaker.begin() as session:
        award = await session.get(Award, await issuing.award())
        award.status_index = LIST_BITS - 1  # the last index a redemption may draw
    status = body(await get(issuing, URLS.status_list(issuing.world.issuer.id)))
    bits = decode_status_list(status["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == LIST_BITS
    assert not is_set(bits, LIST_BITS - 1)
    assert len(status["credentialSubject"]["encodedList"]) < 2000  # sparse lists stay small to serve
