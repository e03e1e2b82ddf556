"""Verifying OB 3.0 credentials beyond the basics: proof sets, replayed status lists, VC-JWT key resolution."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc.jwk import RSAKey
from sqlalchemy import select

from claims.models import SigningKey
from claims.openbadges import ob3
from claims.openbadges.baking import unbake
from claims.openbadges.dataintegrity import add_proof
from claims.openbadges.keys import ED25519, RS256, load_ed25519_private_key, load_rsa_private_key, pick_active
from claims.openbadges.urls import BadgeUrls
from claims.openbadges.verify import verify_badge
from claims.openbadges.verify_report import (
    KEY_UNTRUSTED,
    MALFORMED,
    STATUS_INVALID,
    UNSUPPORTED,
    VerificationReport,
)
from ob_support import PUBLIC_URL, SECRET, Issuing, codes, edit_json

URLS = BadgeUrls(PUBLIC_URL)


async def ed25519_signer(issuing: Issuing) -> tuple[str, Ed25519PrivateKey]:
    async with issuing.db.sessionmaker() as session:
        key = pick_active((await session.scalars(select(SigningKey))).all(), ED25519)
    return URLS.verification_method(key.id), load_ed25519_private_key(key, SECRET)


def second_proof(document: dict[str, Any], key: Ed25519PrivateKey, method: str, created) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    return add_proof(unsigned, key, verification_method=method, created=created)["proof"][0]


async def test_ob3_credential_with_its_proof_as_a_bare_object_verifies(issuing: Issuing):
    award = await issuing.load(await issuing.award())
    bare = edit_json(award.ob3_credential or "", lambda d: d.update(proof=d["proof"][0]))
    report = await issuing.verify(bare)
    assert report.ok, report.problems


async def test_ob3_credential_with_two_valid_proofs_verifies(issuing: Issuing, now):
    award = await issuing.load(await issuing.award())
    method, key = await ed25519_signer(issuing)

    def add_second(document: dict[str, Any]) -> None:
        document["proof"].append(second_proof(document, key, method, now + timedelta(seconds=1)))

    report = await issuing.verify(edit_json(award.ob3_credential or "", add_second))
    assert report.ok, report.problems


async def test_ob3_proof_set_with_one_proof_by_a_stranger_fails(issuing: Issuing, now):
    award = await issuing.load(await issuing.award())
    intruder = Ed25519PrivateKey.generate()

    def add_foreign(document: dict[str, Any]) -> None:
        document["proof"].append(second_proof(document, intruder, URLS.verification_method("ed25519-x"), now))

    report = await issuing.verify(edit_json(award.ob3_credential or "", add_foreign))
    assert report.ob3 is not None and KEY_UNTRUSTED in {p.code for p in report.ob3.problems}


async def test_ob3_credential_with_an_empty_proof_array_fails(issuing: Issuing):
    award = await issuing.load(await issuing.award())
    report = await issuing.verify(edit_json(award.ob3_credential or "", lambda d: d.update(proof=[])))
    assert report.ob3 is not None and UNSUPPORTED in {p.code for p in report.ob3.problems}


async def verify_with_an_old_status_list(issuing: Issuing, award_id: Any, at: Any) -> VerificationReport:  # type: ignore[no-untyped-def]
    """Revoke the award, then verify it at ``at`` against the status list as it was signed before."""
    png = await issuing.png(award_id)
    list_url = URLS.status_list(issuing.world.issuer.id)
    async with issuing.db.sessionmaker() as session:
        before = await issuing.resolver(session, at=issuing.now)(list_url)
    await issuing.revoke(award_id)
    async with issuing.db.sessionmaker() as session:
        honest = issuing.resolver(session, at=at)

        async def replaying(url: str) -> dict[str, Any] | None:
            return before if url == list_url else await honest(url)

        return await verify_badge((unbake(png).ob3 or "").encode(), resolve=replaying, now=at)


async def test_old_status_list_cannot_unrevoke_once_its_validity_is_over(issuing: Issuing, now):
    report = await verify_with_an_old_status_list(
        issuing, await issuing.award(), now + ob3.STATUS_LIST_VALIDITY + timedelta(seconds=1))
    assert not report.ok and STATUS_INVALID in codes(report)


async def test_status_list_is_believed_within_its_validity(issuing: Issuing, now):
    # The other side of the bound: a copy is trusted for its short validity, and only for it.
    report = await verify_with_an_old_status_list(
        issuing, await issuing.award(), now + ob3.STATUS_LIST_VALIDITY - timedelta(seconds=1))
    assert report.ok, report.problems


async def vc_jwt(issuing: Issuing, *, kid: str | None = None, key: Any = None) -> str:
    """A VC-JWT of a fresh award's credential, signed by the issuer's RSA key unless another is given."""
    award = await issuing.load(await issuing.award())
    credential = {k: v for k, v in json.loads(award.ob3_credential or "").items() if k != "proof"}
    async with issuing.db.sessionmaker() as session:
        rsa = pick_active((await session.scalars(select(SigningKey))).all(), RS256)
    return ob3.credential_jwt(credential, key or load_rsa_private_key(rsa, SECRET), kid=kid or URLS.public_jwk(rsa.id))


async def test_vc_jwt_whose_kid_is_the_issuers_published_jwk_verifies(issuing: Issuing):
    report = await issuing.verify(await vc_jwt(issuing))
    assert report.ok, report.problems
    assert report.ob3 is not None and report.ob3.method == "vc-jwt"


async def test_tampered_vc_jwt_fails(issuing: Issuing):
    header, payload, signature = (await vc_jwt(issuing)).split(".")
    tampered = await issuing.verify(f"{header}.{payload[:-4]}AAAA.{signature}")
    assert not tampered.ok


async def test_vc_jwt_signed_by_a_key_published_elsewhere_fails(issuing: Issuing):
    # A stranger signs in the issuer's name and points kid at a JWK of their own.
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elsewhere = "https://evil.example/keys/1"
    token = await vc_jwt(issuing, kid=elsewhere, key=stranger)
    async with issuing.db.sessionmaker() as session:
        honest = issuing.resolver(session)

        async def serving_the_strangers_key(url: str) -> dict[str, Any] | None:
            if url == elsewhere:
                return RSAKey.import_key(stranger.public_key()).as_dict(private=False)
            return await honest(url)

        report = await verify_badge(token.encode(), resolve=serving_the_strangers_key, now=issuing.now)
    assert report.ob3 is not None and KEY_UNTRUSTED in {p.code for p in report.ob3.problems}


async def test_vc_jwt_naming_a_did_key_that_is_not_rsa_fails(issuing: Issuing):
    # The DID document holds Multikey (Ed25519) methods only: an RS256 token cannot be checked against one.
    method, _ = await ed25519_signer(issuing)
    report = await issuing.verify(await vc_jwt(issuing, kid=method))
    assert not report.ok and MALFORMED in codes(report)
