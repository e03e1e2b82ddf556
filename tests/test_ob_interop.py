"""Our badges as another implementation sees them: openbadgeslib's strict OB 2.0 and OB 3.0 verifiers accept them."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import pytest
from openbadgeslib.ob2.verifier import OB2Verifier, OB2VerificationError
from openbadgeslib.ob3.ldp import OB3LdpVerifier
from openbadgeslib.ob3.verifier import OB3VerificationError
from sqlalchemy import select

from claims.models import SigningKey
from claims.openbadges.baking import unbake
from claims.publishing import document_for_path
from claims.openbadges.keys import ED25519, pick_active
from claims.openbadges.urls import BadgeUrls
from ob_support import PUBLIC_URL, SECRET, Issuing

URLS = BadgeUrls(PUBLIC_URL)
EMAIL = "camille@example.org"


async def downloader(issuing: Issuing, award_id: uuid.UUID) -> Callable[[str], bytes]:
    """A ``url -> bytes`` fetcher over every document a verifier may ask for, as the web app serves them."""
    world = issuing.world
    async with issuing.db.sessionmaker() as session:
        keys = (await session.scalars(select(SigningKey))).all()
        urls = [URLS.assertion(award_id), URLS.badge(world.badge.id), URLS.issuer(world.issuer.id),
                URLS.ob2_revocations(world.issuer.id), URLS.status_list(world.issuer.id), URLS.did_document,
                *(URLS.ob2_key(k.id) for k in keys)]
        served = {}
        for url in urls:
            try:
                # Served as of the real clock, which openbadgeslib checks the status list's validity against.
                document = await document_for_path(session, url, issuing=issuing.context(),
                                                   now=datetime.now(timezone.utc))
            except Exception:  # an Ed25519 key id is no OB 2.0 key: simply not served
                continue
            served[url] = document.body

    def download(url: str) -> bytes:
        return served[url]

    return download


def wall_clock() -> datetime:
    # openbadgeslib checks validity against the real clock, not one it is given.
    return datetime.now(timezone.utc) - timedelta(minutes=1)


async def ed25519_pem(issuing: Issuing) -> str:
    async with issuing.db.sessionmaker() as session:
        return pick_active((await session.scalars(select(SigningKey))).all(), ED25519).public_pem


async def test_openbadgeslib_accepts_our_hosted_assertion(issuing: Issuing):
    award_id = await issuing.award(email=EMAIL)
    ob2 = unbake(await issuing.png(award_id)).ob2 or ""
    verifier = OB2Verifier(download=await downloader(issuing, award_id))
    assertion = verifier.verify_hosted(ob2, expected_recipient=EMAIL, check_revocation=True)
    assert assertion.id == URLS.assertion(award_id)


async def test_openbadgeslib_accepts_our_signed_assertion_and_sees_its_revocation(issuing: Issuing):
    award_id = await issuing.award(email=EMAIL, ob2_signed=True)
    token = unbake(await issuing.png(award_id)).ob2 or ""
    verifier = OB2Verifier(download=await downloader(issuing, award_id))
    verifier.verify(token, expected_recipient=EMAIL, check_revocation=True)
    await issuing.revoke(award_id)
    verifier = OB2Verifier(download=await downloader(issuing, award_id))
    with pytest.raises(OB2VerificationError, match="revoked"):
        verifier.verify(token, expected_recipient=EMAIL, check_revocation=True)


async def test_openbadgeslib_accepts_our_ob3_credential_and_status_list(issuing: Issuing):
    award_id = await issuing.award(email=EMAIL, issued_at=wall_clock())
    credential = unbake(await issuing.png(award_id)).ob3 or ""
    verifier = OB3LdpVerifier(pubkey_pem=await ed25519_pem(issuing))
    download = await downloader(issuing, award_id)
    # openbadgeslib checks the proof of JWT-VC status lists only (ours is Data Integrity, checked in
    # test_ob_verify), and binds a recipient by subject id only (ours is a hashed identifier, checked in
    # test_ob3_proof).
    verified = verifier.verify(credential, check_status=True, download=download, verify_status_list=False)
    assert verified.id == URLS.credential(award_id)


async def test_openbadgeslib_sees_our_ob3_revocation(issuing: Issuing):
    award_id = await issuing.award(email=EMAIL, issued_at=wall_clock())
    credential = unbake(await issuing.png(award_id)).ob3 or ""
    await issuing.revoke(award_id)
    verifier = OB3LdpVerifier(pubkey_pem=await ed25519_pem(issuing))
    download = await downloader(issuing, award_id)
    with pytest.raises(OB3VerificationError, match="status .revocation. is set"):
        verifier.verify(credential, check_status=True, download=download, verify_status_list=False)


async def test_openbadgeslib_refuses_a_tampered_ob3_credential(issuing: Issuing):
    award_id = await issuing.award(email=EMAIL)
    document: dict[str, Any] = json.loads(unbake(await issuing.png(award_id)).ob3 or "")
    document["name"] = "Autre badge"
    with pytest.raises(OB3VerificationError):
        OB3LdpVerifier(pubkey_pem=await ed25519_pem(issuing)).verify(json.dumps(document))
