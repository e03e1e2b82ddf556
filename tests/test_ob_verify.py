"""Verifying badges end to end: valid, revoked, expired, tampered, forged status, SVG, bare JSON, JWS, VC-JWT."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from claims.context import IssuingContext
from claims.models import SigningKey
from claims.openbadges import ob3
from claims.openbadges.baking import bake_png, unbake
from claims.openbadges.dataintegrity import add_proof
from claims.openbadges.keys import RS256, load_rsa_private_key, pick_active
from claims.openbadges.urls import BadgeUrls
from claims.openbadges.verify import verify_badge
from claims.openbadges.verify_report import (
    EXPIRED,
    ISSUER_MISMATCH,
    MALFORMED,
    MISMATCH,
    NO_BADGE,
    REVOKED,
    SIGNATURE_INVALID,
    STATUS_INVALID,
    UNREADABLE,
    UNSUPPORTED,
    VerificationReport,
)
from claims.organising import create_badge_class, create_codes
from claims.redemption import Recipient, redeem_code
from conftest import issuing_context, png_bytes
from ob_support import PUBLIC_URL, SECRET, Issuing

URLS = BadgeUrls(PUBLIC_URL)
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4"/></svg>'


def codes(report: VerificationReport) -> set[str]:
    return {p.code for p in report.problems}


def rebake(png: bytes, *, ob2: str | None = None, ob3: str | None = None) -> bytes:
    return bake_png(png, ob2=ob2, ob3=ob3)


def edit_json(text: str, change) -> str:  # type: ignore[no-untyped-def]
    document = json.loads(text)
    change(document)
    return json.dumps(document)


async def test_freshly_issued_hosted_badge_verifies(issuing: Issuing):
    award_id = await issuing.award()
    report = await issuing.verify(await issuing.png(award_id))
    assert report.problems == []
    assert report.ok
    assert report.ob2 is not None and report.ob2.method == "hosted"
    assert report.ob3 is not None and report.ob3.method == "eddsa-rdfc-2022"
    assert report.ob3.badge_name == issuing.world.badge.name
    assert report.ob2.issuer_name == issuing.world.issuer.name


async def test_signed_ob2_badge_verifies(issuing: Issuing):
    award_id = await issuing.award(ob2_signed=True)
    report = await issuing.verify(await issuing.png(award_id))
    assert report.ok, report.problems
    assert report.ob2 is not None and report.ob2.method == "signed"


async def test_badge_issued_through_redemption_verifies(issuing: Issuing, now):
    async with issuing.db.sessionmaker.begin() as session:
        event, badge = issuing.world.event, issuing.world.badge
        [code] = await create_codes(session, event, badge, now=now, count=1)
        result = await redeem_code(session, code, Recipient(email="lea@example.org"), now, channel="web",
                                   issuing=issuing_context(ob2_signed=True))
        award_id = result.award.id
    report = await issuing.verify(await issuing.png(award_id))
    assert report.ok, report.problems


async def test_anonymous_award_verifies(issuing: Issuing):
    report = await issuing.verify(await issuing.png(await issuing.award(email=None)))
    assert report.ok, report.problems


async def test_revoked_badge_fails_in_both_formats(issuing: Issuing):
    award_id = await issuing.award()
    png = await issuing.png(award_id)
    await issuing.revoke(award_id)
    report = await issuing.verify(png)
    assert not report.ok and report.revoked
    assert report.ob2 is not None and report.ob2.revoked
    assert report.ob3 is not None and report.ob3.revoked
    assert {p.format for p in report.problems if p.code == REVOKED} == {"ob2", "ob3"}


async def test_revoked_signed_badge_fails_through_the_revocation_list(issuing: Issuing):
    award_id = await issuing.award(ob2_signed=True)
    png = await issuing.png(award_id)
    await issuing.revoke(award_id)
    report = await issuing.verify(png)
    assert report.ob2 is not None and report.ob2.revoked and REVOKED in codes(report)


async def test_expired_badge_fails_in_both_formats(issuing: Issuing, now):
    award_id = await issuing.award(expires_at=now + timedelta(days=30))
    png = await issuing.png(award_id)
    assert (await issuing.verify(png, at=now + timedelta(days=29))).ok
    report = await issuing.verify(png, at=now + timedelta(days=31))
    assert not report.ok and report.expired
    assert {p.format for p in report.problems if p.code == EXPIRED} == {"ob2", "ob3"}


async def test_tampered_ob3_credential_fails(issuing: Issuing):
    png = await issuing.png(await issuing.award())
    baked = unbake(png)
    forged = edit_json(baked.ob3 or "", lambda d: d["credentialSubject"]["achievement"].update(name="Expert"))
    report = await issuing.verify(rebake(png, ob3=forged))
    assert report.ob2 is not None and report.ob2.ok
    assert report.ob3 is not None and SIGNATURE_INVALID in {p.code for p in report.ob3.problems}
    assert not report.ok


async def test_ob3_credential_claiming_another_issuer_fails(issuing: Issuing):
    png = await issuing.png(await issuing.award())
    forged = edit_json(unbake(png).ob3 or "", lambda d: d["issuer"].update(id="did:web:evil.example"))
    report = await issuing.verify(rebake(png, ob3=forged))
    assert report.ob3 is not None and ISSUER_MISMATCH in {p.code for p in report.ob3.problems}


async def test_ob3_expiry_spelled_as_an_iri_is_refused(issuing: Issuing, now):
    award_id = await issuing.award(expires_at=now + timedelta(days=1))
    png = await issuing.png(award_id)

    def respell(document: dict[str, Any]) -> None:
        # Same RDF, but a JSON reader looking for "validUntil" would not see it.
        document["https://www.w3.org/2018/credentials#validUntil"] = {
            "@value": document.pop("validUntil"), "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}

    forged = edit_json(unbake(png).ob3 or "", respell)
    report = await issuing.verify(rebake(png, ob3=forged), at=now + timedelta(days=2))
    assert report.ob3 is not None and UNSUPPORTED in {p.code for p in report.ob3.problems}


async def test_tampered_hosted_assertion_fails(issuing: Issuing):
    png = await issuing.png(await issuing.award())
    forged = edit_json(unbake(png).ob2 or "", lambda d: d.update(issuedOn="2020-01-01T00:00:00Z"))
    report = await issuing.verify(rebake(png, ob2=forged))
    assert report.ob2 is not None and MISMATCH in {p.code for p in report.ob2.problems}


async def test_tampered_jws_fails(issuing: Issuing):
    png = await issuing.png(await issuing.award(ob2_signed=True))
    header, payload, signature = (unbake(png).ob2 or "").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["expires"] = "2099-01-01T00:00:00Z"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    report = await issuing.verify(rebake(png, ob2=f"{header}.{forged_payload}.{signature}"))
    assert report.ob2 is not None and SIGNATURE_INVALID in {p.code for p in report.ob2.problems}


async def test_status_list_signed_by_someone_else_cannot_unrevoke(issuing: Issuing):
    award_id = await issuing.award()
    png = await issuing.png(award_id)
    await issuing.revoke(award_id)
    intruder = Ed25519PrivateKey.generate()
    async with issuing.db.sessionmaker() as session:
        honest = issuing.resolver(session)

        async def forging(url: str) -> dict[str, Any] | None:
            if url == URLS.status_list(issuing.world.issuer.id):
                clean = ob3.status_list_credential(issuing.world.issuer.id, [], URLS, issuing.now)
                return add_proof(clean, intruder, verification_method=URLS.verification_method("ed25519-x"),
                                 created=issuing.now)
            return await honest(url)

        report = await verify_badge((unbake(png).ob3 or "").encode(), resolve=forging, now=issuing.now)
    assert not report.ok and STATUS_INVALID in codes(report)


async def test_unreachable_status_list_fails(issuing: Issuing):
    png = await issuing.png(await issuing.award())

    async def nothing(url: str) -> dict[str, Any] | None:
        return None

    report = await verify_badge(png, resolve=nothing, now=issuing.now)
    assert not report.ok


async def test_bare_credential_json_and_bare_jws_verify(issuing: Issuing):
    award = await issuing.load(await issuing.award(ob2_signed=True))
    credential_report = await issuing.verify(award.ob3_credential or "")
    assert credential_report.ok and credential_report.ob2 is None
    jws_report = await issuing.verify(award.ob2_signed or "")
    assert jws_report.ok and jws_report.ob3 is None


async def test_bare_hosted_assertion_json_verifies(issuing: Issuing):
    png = await issuing.png(await issuing.award())
    assert (await issuing.verify(unbake(png).ob2 or "")).ok


async def test_vc_jwt_of_the_credential_verifies_and_a_tampered_one_does_not(issuing: Issuing):
    award = await issuing.load(await issuing.award())
    credential = {k: v for k, v in json.loads(award.ob3_credential or "").items() if k != "proof"}
    async with issuing.db.sessionmaker() as session:
        keys = (await session.scalars(select(SigningKey))).all()
    rsa = pick_active(keys, RS256)
    method = URLS.verification_method(rsa.id)
    token = ob3.credential_jwt(credential, load_rsa_private_key(rsa, SECRET), verification_method=method)
    report = await issuing.verify(token)
    assert report.ok, report.problems
    assert report.ob3 is not None and report.ob3.method == "vc-jwt"
    header, payload, signature = token.split(".")
    tampered = await issuing.verify(f"{header}.{payload[:-4]}AAAA.{signature}")
    assert not tampered.ok


async def test_svg_badge_is_baked_and_verifies(issuing: Issuing, now):
    async with issuing.db.sessionmaker.begin() as session:
        badge = await create_badge_class(session, issuing.world.issuer, name="Badge vectoriel", description="SVG.",
                                         criteria="Venir.", image=SVG, now=now)
    award_id = await issuing.award(badge_id=badge.id)
    image = await issuing.png(award_id)
    assert image.lstrip().startswith(b"<")
    report = await issuing.verify(image)
    assert report.ok, report.problems
    assert report.ob2 is not None and report.ob3 is not None


async def test_signed_svg_badge_verifies(issuing: Issuing, now):
    async with issuing.db.sessionmaker.begin() as session:
        badge = await create_badge_class(session, issuing.world.issuer, name="Badge vectoriel", description="SVG.",
                                         criteria="Venir.", image=SVG, now=now)
    report = await issuing.verify(await issuing.png(await issuing.award(badge_id=badge.id, ob2_signed=True)))
    assert report.ok, report.problems


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"\xff\xfe\x00garbage", UNREADABLE), (png_bytes(), NO_BADGE), (b"hello", NO_BADGE), (b"{}", MALFORMED)],
    ids=["binary", "plain png", "text", "empty json"],
)
async def test_files_without_a_valid_badge_are_not_ok(issuing: Issuing, data, code):
    report = await issuing.verify(data)
    assert not report.ok
    assert code in codes(report)


async def test_report_reads_in_french_and_english(issuing: Issuing):
    award_id = await issuing.award()
    png = await issuing.png(award_id)
    await issuing.revoke(award_id)
    report = await issuing.verify(png)
    assert "badge révoqué" in report.render("fr") and "NON valide" in report.render("fr")
    assert "badge revoked" in report.render("en") and "NOT valid" in report.render("en")
    assert (await issuing.verify(await issuing.png(await issuing.award()))).render("fr").endswith("badge valide")



async def test_verdict_does_not_depend_on_the_configured_public_url(issuing: Issuing):
    from claims.context import IssuingContext
    from claims.publishing import database_resolver
    from conftest import SECRET

    png = await issuing.png(await issuing.award(ob2_signed=True))
    async with issuing.db.sessionmaker() as session:
        elsewhere = IssuingContext("http://127.0.0.1:8080", SECRET)  # what an unset PUBLIC_URL gives
        report = await verify_badge(png, resolve=database_resolver(session, issuing=elsewhere, now=issuing.now),
                                    now=issuing.now)
    assert report.ok, report.problems


async def test_another_host_using_our_paths_is_not_served_from_our_database(issuing: Issuing):
    from claims.context import IssuingContext
    from claims.publishing import database_resolver
    from conftest import SECRET

    award_id = await issuing.award()
    async with issuing.db.sessionmaker() as session:
        resolve = database_resolver(session, issuing=IssuingContext("http://127.0.0.1:8080", SECRET), now=issuing.now)
        assert await resolve(f"https://badges.example.org/ob2/assertions/{award_id}") is not None
        assert await resolve(f"https://impostor.example/ob2/assertions/{award_id}") is None
