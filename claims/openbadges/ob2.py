"""Open Badges 2.0 documents: Issuer Profile, BadgeClass, Assertion, CryptographicKey, RevocationList, and signing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from claims.openbadges.records import AwardFacts, BadgeFacts, IssuerFacts, KeyFacts
from claims.openbadges.compact_jws import sign_rs256
from claims.openbadges.timestamps import iso_utc
from claims.openbadges.urls import BadgeUrls

CONTEXT = "https://w3id.org/openbadges/v2"

Document = dict[str, Any]


def hashed_identity(plaintext: str, salt: str) -> str:
    """OB 2.0 IdentityHash: "sha256$" + hex(sha256(identity + salt))."""
    return "sha256$" + hashlib.sha256((plaintext + salt).encode("utf-8")).hexdigest()


def recipient(award: AwardFacts, urls: BadgeUrls) -> Document:
    """The recipient IdentityObject; always hashed so that no e-mail address is ever published.

    An award claimed without an e-mail (Telegram, anonymous kiosk) still needs a recipient: OB 2.0 makes it
    required. Its identity is then the award's own public page, as a hashed ``url`` identity: a valid
    IdentityObject type that says nothing about the person and cannot be linked to any other award of theirs.
    """
    kind, identity = recipient_identity(award, urls)
    return {"type": kind, "hashed": True, "salt": award.recipient_salt, "identity": identity}


def recipient_identity(award: AwardFacts, urls: BadgeUrls) -> tuple[str, str]:
    """("email" or "url", the identity hash) of an award, shared by the OB 2.0 and OB 3.0 documents.

    Once the person was forgotten only the hash of their e-mail is left: it is what the documents carried
    before, so every copy already handed out (baked images, backpacks) keeps matching the hosted ones.
    """
    if award.recipient_email:
        return "email", hashed_identity(award.recipient_email, award.recipient_salt)
    if award.recipient_email_hash:
        return "email", award.recipient_email_hash
    return "url", hashed_identity(urls.award_page(award.id), award.recipient_salt)


def issuer_profile(issuer: IssuerFacts, urls: BadgeUrls, *, signing_keys: Sequence[KeyFacts] = ()) -> Document:
    """The Issuer Profile; ``signing_keys`` (RS256, retired ones included) are listed when signing is on."""
    doc: Document = {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": urls.issuer(issuer.id),
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
    }
    if issuer.image_mime is not None:
        doc["image"] = urls.issuer_image(issuer.id)
    if signing_keys:
        key_urls = [urls.ob2_key(k.id) for k in signing_keys]
        doc["publicKey"] = key_urls[0] if len(key_urls) == 1 else key_urls
        doc["revocationList"] = urls.ob2_revocations(issuer.id)
    return doc


def badge_class(badge: BadgeFacts, urls: BadgeUrls) -> Document:
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": urls.badge(badge.id),
        "name": badge.name,
        "description": badge.description,
        "image": urls.badge_image(badge.id),
        # An object, not a bare string: the 1EdTech validator refuses a string that is not a URL.
        "criteria": {"narrative": badge.criteria},
        "issuer": urls.issuer(badge.issuer_id),
    }


def assertion(award: AwardFacts, urls: BadgeUrls, *, signing_key_id: str | None = None) -> Document:
    """The Assertion: hosted verification, or signed by the given RS256 key when ``signing_key_id`` is set."""
    verification: Document = (
        {"type": "signed", "creator": urls.ob2_key(signing_key_id)} if signing_key_id else {"type": "hosted"}
    )
    doc: Document = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": urls.assertion(award.id),
        "recipient": recipient(award, urls),
        "badge": urls.badge(award.badge_class_id),
        "verification": verification,
        "issuedOn": iso_utc(award.issued_at),
    }
    if award.expires_at is not None:
        doc["expires"] = iso_utc(award.expires_at)
    return doc


def revoked_assertion(award: AwardFacts, urls: BadgeUrls) -> Document:
    """What the assertion URL answers, with HTTP 410, once the award is revoked."""
    doc: Document = {"@context": CONTEXT, "id": urls.assertion(award.id), "revoked": True}
    if award.revocation_reason:
        doc["revocationReason"] = award.revocation_reason
    return doc


def cryptographic_key(key: KeyFacts, urls: BadgeUrls) -> Document:
    return {
        "@context": CONTEXT,
        "type": "CryptographicKey",
        "id": urls.ob2_key(key.id),
        "owner": urls.issuer(key.issuer_id),
        "publicKeyPem": key.public_pem,
    }


def revocation_list(issuer: IssuerFacts, revoked: Iterable[AwardFacts], urls: BadgeUrls) -> Document:
    entries = []
    for award in revoked:
        entry: Document = {"id": urls.assertion(award.id)}
        if award.revocation_reason:
            entry["revocationReason"] = award.revocation_reason
        entries.append(entry)
    return {
        "@context": CONTEXT,
        "type": "RevocationList",
        "id": urls.ob2_revocations(issuer.id),
        "issuer": urls.issuer(issuer.id),
        "revokedAssertions": entries,
    }


def sign_assertion(assertion_doc: Document, private_key: RSAPrivateKey) -> str:
    """The compact JWS (RS256) of a signed assertion, the text a signed badge is baked with."""
    if assertion_doc.get("verification", {}).get("type") != "signed":
        raise ValueError("only an assertion with signed verification can be signed")
    return sign_rs256(assertion_doc, private_key)
