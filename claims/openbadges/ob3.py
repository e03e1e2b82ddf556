"""Open Badges 3.0 documents: the OpenBadgeCredential, the issuer's status list credential, its DID document, VC-JWT."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from joserfc.jwk import RSAKey

from claims.openbadges.records import AwardFacts, BadgeFacts, IssuerFacts, KeyFacts
from claims.openbadges.canonical import OB_V3P0, VC_V2
from claims.openbadges.compact_jws import sign_rs256
from claims.openbadges.keys import ED25519, RS256, load_public_key, public_multikey
from claims.openbadges.ob2 import recipient_identity
from claims.openbadges.status_list import encode_status_list
from claims.openbadges.timestamps import iso_utc, parse_iso_utc
from claims.openbadges.urls import BadgeUrls

CONTEXT = [VC_V2, OB_V3P0]
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
STATUS_ENTRY = "BitstringStatusListEntry"
# How long a signed status list stays good. It is signed afresh each time it is served, so this only bounds how
# long an old copy (cached, or replayed by someone who wants a revoked badge back) is believed.
STATUS_LIST_VALIDITY = timedelta(minutes=10)
REVOCATION = "revocation"
# The two contexts mainstream verifiers bundle offline; a key type needing another context (jws-2020) makes
# strict ones refuse the whole document, so RSA keys are published elsewhere (see ``public_jwk``).
DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]

Document = dict[str, Any]

# OB 2.0's identity types by their OB 3.0 names.
_IDENTITY_TYPES = {"email": "emailAddress", "url": "identifier"}


def issuer_profile(issuer: IssuerFacts, urls: BadgeUrls) -> Document:
    # The profile's id is the DID, so that a verifier can tie the proof's key to the issuer (OB 3.0 §8.3).
    profile: Document = {
        "id": urls.did,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
    }
    if issuer.image_mime is not None:
        profile["image"] = {"id": urls.issuer_image(issuer.id), "type": "Image"}
    return profile


def identity_object(award: AwardFacts, urls: BadgeUrls) -> Document:
    """The hashed IdentityObject of the recipient.

    Without an e-mail (nor, once it was erased, its hash), the hashed identity is the award's own public
    page, typed as the generic
    ``identifier``: it names this award's holder and nothing else (see ``ob2.recipient``, which uses the
    same plaintext so both formats agree).
    """
    kind, identity_hash = recipient_identity(award, urls)
    return {
        "type": "IdentityObject",
        "identityHash": identity_hash,
        "identityType": _IDENTITY_TYPES[kind],
        "hashed": True,
        "salt": award.recipient_salt,
    }


def status_entry(award: AwardFacts, issuer_id: uuid.UUID, urls: BadgeUrls) -> Document:
    list_url = urls.status_list(issuer_id)
    return {
        "id": f"{list_url}#{award.status_index}",
        "type": STATUS_ENTRY,
        "statusPurpose": REVOCATION,
        "statusListIndex": str(award.status_index),
        "statusListCredential": list_url,
    }


def credential(award: AwardFacts, badge: BadgeFacts, issuer: IssuerFacts, urls: BadgeUrls) -> Document:
    """The unsigned OpenBadgeCredential of an award."""
    doc: Document = {
        "@context": list(CONTEXT),
        "id": urls.credential(award.id),
        "type": list(CREDENTIAL_TYPES),
        "name": badge.name,
        "issuer": issuer_profile(issuer, urls),
        "validFrom": iso_utc(award.issued_at),
    }
    if award.expires_at is not None:
        doc["validUntil"] = iso_utc(award.expires_at)
    doc["credentialSubject"] = {
        "type": ["AchievementSubject"],
        "identifier": [identity_object(award, urls)],
        "achievement": {
            "id": urls.badge(badge.id),
            "type": ["Achievement"],
            "name": badge.name,
            "description": badge.description,
            "criteria": {"narrative": badge.criteria},
            "image": {"id": urls.badge_image(badge.id), "type": "Image"},
        },
    }
    doc["credentialStatus"] = status_entry(award, issuer.id, urls)
    return doc


def status_list_credential(
    issuer_id: uuid.UUID, revoked_indices: Iterable[int], urls: BadgeUrls, now: datetime
) -> Document:
    """The unsigned BitstringStatusListCredential: one bit per award index, set when the award is revoked.

    Valid from ``now`` for STATUS_LIST_VALIDITY only, so that a copy signed before a revocation stops being
    believed soon after it.
    """
    list_url = urls.status_list(issuer_id)
    return {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": urls.did,
        "validFrom": iso_utc(now),
        "validUntil": iso_utc(now + STATUS_LIST_VALIDITY),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": REVOCATION,
            "encodedList": encode_status_list(revoked_indices),
        },
    }


def did_document(urls: BadgeUrls, keys: Sequence[KeyFacts]) -> Document:
    """The did:web document: the Ed25519 keys as Multikey methods, and no other kind of key.

    Retired keys stay listed, so everything they signed keeps verifying.
    """
    methods: list[Document] = [
        {
            "id": urls.verification_method(key.id),
            "type": "Multikey",
            "controller": urls.did,
            "publicKeyMultibase": public_multikey(key),
        }
        for key in keys
        if key.algorithm == ED25519
    ]
    return {
        "@context": list(DID_CONTEXT),
        "id": urls.did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def public_jwk(key: KeyFacts) -> Document:
    """The public JWK of an RSA key, served at ``urls.public_jwk(key.id)``: what a VC-JWT's kid dereferences to.

    Only kty, n and e: strict verifiers refuse members they do not expect, and a private member never leaves.
    """
    if key.algorithm != RS256:
        raise ValueError(f"signing key {key.id} is not an RSA key")
    public = load_public_key(key)
    assert isinstance(public, RSAPublicKey)
    jwk = RSAKey.import_key(public).as_dict(private=False)
    return {"kty": jwk["kty"], "n": jwk["n"], "e": jwk["e"]}


def credential_jwt(document: Document, private_key: RSAPrivateKey, *, kid: str) -> str:
    """VC-JWT (OB 3.0 §8.2): the credential is the JWT payload, with iss/jti/nbf/exp mirroring its members.

    ``kid`` is the URL of the key's public JWK on the issuer's own origin (``urls.public_jwk``).
    """
    if "proof" in document:
        raise ValueError("a VC-JWT secures the unsigned credential, not one with an embedded proof")
    payload = dict(document)
    payload["iss"] = document["issuer"]["id"] if isinstance(document["issuer"], dict) else document["issuer"]
    payload["jti"] = document["id"]
    payload["nbf"] = _epoch(document["validFrom"])
    if "validUntil" in document:
        payload["exp"] = _epoch(document["validUntil"])
    return sign_rs256(payload, private_key, kid=kid, typ="JWT")


def _epoch(value: str) -> int:
    return int(parse_iso_utc(value).timestamp())
