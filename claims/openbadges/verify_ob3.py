"""Verifying an Open Badges 3.0 credential: its proof against the issuer's DID, its validity window, its status."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from claims.openbadges.canonical import CanonicalizationError, require_plain_terms
from claims.openbadges.compact_jws import JwsError, read_unverified, verify_rs256
from claims.openbadges.dataintegrity import ASSERTION_METHOD, ProofError, check_proof, read_proofs
from claims.openbadges.multibase import MultibaseError, ed25519_from_multikey
from claims.openbadges.resolvers import Resolve
from claims.openbadges.status_list import StatusListError, decode_status_list, is_set
from claims.openbadges.timestamps import parse_iso_utc
from claims.openbadges.urls import did_web_base_url, did_web_document_url
from claims.openbadges.verify_report import (
    DOCUMENT_UNAVAILABLE,
    EXPIRED,
    ISSUER_MISMATCH,
    KEY_UNTRUSTED,
    MALFORMED,
    NOT_YET_VALID,
    OB3,
    REVOKED,
    SIGNATURE_INVALID,
    STATUS_INVALID,
    UNSUPPORTED,
    FormatResult,
)


class _Stop(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


def _types(document: dict[str, Any]) -> list[Any]:
    kind = document.get("type")
    return kind if isinstance(kind, list) else [kind]


def _issuer_id(document: dict[str, Any]) -> str:
    issuer = document.get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(value, str):
        raise _Stop(MALFORMED, "the credential has no issuer id")
    return value


async def _verification_method(resolve: Resolve, method_id: str, issuer_id: str) -> dict[str, Any]:
    """The issuer's verification method ``method_id``, checked to be the issuer's own and fit for assertions."""
    did, _, fragment = method_id.partition("#")
    # The key must belong to the issuer the credential names, or anyone could sign in its name.
    if did != issuer_id or not fragment:
        raise _Stop(ISSUER_MISMATCH, f"{method_id} is not a key of {issuer_id}")
    try:
        location = did_web_document_url(did)
    except ValueError:
        raise _Stop(UNSUPPORTED, f"only did:web issuers are supported, not {did}") from None
    document = await resolve(location)
    if document is None:
        raise _Stop(DOCUMENT_UNAVAILABLE, f"DID document at {location}")
    if document.get("id") != did:
        raise _Stop(ISSUER_MISMATCH, f"the DID document at {location} is not {did}'s")
    names = {method_id, "#" + fragment}
    listed = document.get("assertionMethod") or []
    if not any((m if isinstance(m, str) else (m or {}).get("id")) in names for m in listed):
        raise _Stop(KEY_UNTRUSTED, f"{method_id} is not an assertion method of {did}")
    for method in [*(document.get("verificationMethod") or []), *(m for m in listed if isinstance(m, dict))]:
        if isinstance(method, dict) and method.get("id") in names:
            if method.get("controller") != did:
                raise _Stop(KEY_UNTRUSTED, f"{method_id} is controlled by {method.get('controller')!r}")
            return method
    raise _Stop(KEY_UNTRUSTED, f"{method_id} is not in the DID document")


async def _ed25519_key(resolve: Resolve, method_id: str, issuer_id: str) -> Ed25519PublicKey:
    method = await _verification_method(resolve, method_id, issuer_id)
    if method.get("type") != "Multikey":
        raise _Stop(UNSUPPORTED, f"{method_id} is a {method.get('type')!r}, not a Multikey")
    try:
        return Ed25519PublicKey.from_public_bytes(ed25519_from_multikey(method.get("publicKeyMultibase")))
    except (MultibaseError, ValueError) as exc:
        raise _Stop(MALFORMED, f"{method_id}: {exc}") from None


async def _check_data_integrity(resolve: Resolve, document: dict[str, Any], issuer_id: str) -> None:
    """Proofs of a credential we read as JSON: the JSON must mean what was signed, every proof must verify
    with a key of the issuer (one unverifiable proof in a set makes the whole document unproven)."""
    try:
        require_plain_terms(document)
        proofs = read_proofs(document)
    except (CanonicalizationError, ProofError) as exc:
        raise _Stop(UNSUPPORTED, str(exc)) from None
    for proof in proofs:
        if proof.proof_purpose != ASSERTION_METHOD:
            raise _Stop(KEY_UNTRUSTED, f"proofPurpose {proof.proof_purpose!r}")
        public = await _ed25519_key(resolve, proof.verification_method, issuer_id)
        try:
            check_proof(document, proof, public)
        except ProofError as exc:
            raise _Stop(SIGNATURE_INVALID, str(exc)) from None


def _check_window(result: FormatResult, document: dict[str, Any], now: datetime) -> None:
    try:
        valid_from = parse_iso_utc(document.get("validFrom"))
        valid_until = parse_iso_utc(document["validUntil"]) if "validUntil" in document else None
    except ValueError as exc:
        raise _Stop(MALFORMED, f"validity: {exc}") from None
    result.issued_on = valid_from
    if valid_from > now:
        result.fail(NOT_YET_VALID, document["validFrom"])
    if valid_until is not None:
        result.expires = valid_until
        if valid_until <= now:
            result.expired = True
            result.fail(EXPIRED, document["validUntil"])


async def _check_status(
    result: FormatResult, resolve: Resolve, document: dict[str, Any], issuer_id: str, now: datetime
) -> None:
    entries = document.get("credentialStatus")
    for entry in entries if isinstance(entries, list) else [entries] if entries else []:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            raise _Stop(UNSUPPORTED, "only BitstringStatusListEntry status is supported")
        try:
            index = int(str(entry.get("statusListIndex")))
        except ValueError:
            raise _Stop(MALFORMED, "statusListIndex is not a number") from None
        purpose, list_url = entry.get("statusPurpose"), entry.get("statusListCredential")
        status_list = await resolve(list_url) if isinstance(list_url, str) else None
        if status_list is None:
            raise _Stop(DOCUMENT_UNAVAILABLE, f"status list at {list_url!r}")
        if "BitstringStatusListCredential" not in _types(status_list) or status_list.get("id") != list_url:
            raise _Stop(STATUS_INVALID, "not the BitstringStatusListCredential named")
        # The list is only as good as its own proof by the same issuer: otherwise anyone could un-revoke.
        try:
            if _issuer_id(status_list) != issuer_id:
                raise _Stop(STATUS_INVALID, "the status list has another issuer")
            await _check_data_integrity(resolve, status_list, issuer_id)
        except _Stop as stop:
            raise _Stop(STATUS_INVALID, f"{stop.code}: {stop.detail}") from None
        if "validUntil" in status_list and _ended(status_list["validUntil"], now):
            raise _Stop(STATUS_INVALID, "the status list is out of date")
        subject = status_list.get("credentialSubject") or {}
        if not isinstance(subject, dict) or subject.get("statusPurpose") != purpose:
            raise _Stop(STATUS_INVALID, "the status list is for another purpose")
        try:
            bit = is_set(decode_status_list(str(subject.get("encodedList"))), index)
        except StatusListError as exc:
            raise _Stop(STATUS_INVALID, str(exc)) from None
        if bit and purpose in ("revocation", "suspension"):
            result.revoked = True
            result.fail(REVOKED, str(purpose))


def _ended(value: Any, now: datetime) -> bool:
    try:
        return parse_iso_utc(value) <= now
    except ValueError:
        return True


def _describe(result: FormatResult, document: dict[str, Any]) -> None:
    result.id = document.get("id") if isinstance(document.get("id"), str) else None
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    result.badge_name = (achievement or {}).get("name") if isinstance(achievement, dict) else document.get("name")
    issuer = document.get("issuer")
    result.issuer_name = issuer.get("name") if isinstance(issuer, dict) else None


async def _check_credential(
    result: FormatResult, resolve: Resolve, document: dict[str, Any], now: datetime, secured: Any
) -> None:
    types = _types(document)
    badge_types = {"OpenBadgeCredential", "AchievementCredential"}  # the second is OB 3.0's older name
    if "VerifiableCredential" not in types or not badge_types.intersection(types):
        raise _Stop(MALFORMED, "not an OpenBadgeCredential")
    _describe(result, document)
    issuer_id = _issuer_id(document)
    await secured(issuer_id)
    _check_window(result, document, now)
    await _check_status(result, resolve, document, issuer_id, now)


async def verify_credential(text: str, resolve: Resolve, now: datetime) -> FormatResult:
    """An OB 3.0 credential: JSON with an embedded eddsa-rdfc-2022 proof, or a VC-JWT."""
    stripped = text.strip()
    if stripped.startswith("{"):
        result = FormatResult(OB3, "eddsa-rdfc-2022")
        try:
            document = json.loads(stripped)
            if not isinstance(document, dict):
                raise ValueError
        except ValueError:
            result.fail(MALFORMED, "the credential is not a JSON object")
            return result

        async def secured(issuer_id: str) -> None:
            await _check_data_integrity(resolve, document, issuer_id)

    else:
        result = FormatResult(OB3, "vc-jwt")
        try:
            header, document = read_unverified(stripped)
        except JwsError as exc:
            result.fail(MALFORMED, str(exc))
            return result

        async def secured(issuer_id: str) -> None:
            # Same token, so the verified payload is the very document the other checks read.
            await _verified_jwt(resolve, stripped, header, issuer_id)

    try:
        await _check_credential(result, resolve, document, now, secured)
    except _Stop as stop:
        result.fail(stop.code, stop.detail)
    return result


async def _jwt_key(resolve: Resolve, header: dict[str, Any], issuer_id: str) -> RSAPublicKey:
    """The RSA key a VC-JWT's ``kid`` names, checked to be the issuer's.

    OB 3.0 §8.2: the kid is a URL dereferenced to a JWK. An https kid counts as the issuer's only under the
    URL its did:web stands for: whoever serves the DID document there serves the key too (plain http would let
    anyone on the way swap the key). A DID URL kid is looked up among the DID document's methods.
    """
    kid = header.get("kid")
    if not isinstance(kid, str):
        if "jwk" in header:
            raise _Stop(KEY_UNTRUSTED, "a key embedded in the VC-JWT header does not say whose it is")
        raise _Stop(MALFORMED, "the VC-JWT header has no kid")
    if kid.startswith("did:"):
        jwk = (await _verification_method(resolve, kid, issuer_id)).get("publicKeyJwk")
    else:
        try:
            base = did_web_base_url(issuer_id)
        except ValueError:
            raise _Stop(UNSUPPORTED, f"only did:web issuers are supported, not {issuer_id}") from None
        if not kid.startswith(base):
            raise _Stop(KEY_UNTRUSTED, f"{kid} is not under {base}, where {issuer_id} publishes")
        jwk = await resolve(kid)
        if jwk is None:
            raise _Stop(DOCUMENT_UNAVAILABLE, f"JWK at {kid}")
    try:
        if not isinstance(jwk, dict) or jwk.get("kty") != "RSA" or "d" in jwk:
            raise ValueError
        public = RSAKey.import_key(jwk).raw_value
    except (JoseError, ValueError, TypeError):
        raise _Stop(MALFORMED, f"{kid} is not an RSA public JWK") from None
    if not isinstance(public, RSAPublicKey):
        raise _Stop(UNSUPPORTED, f"{kid} is not an RSA public key")
    return public


async def _verified_jwt(resolve: Resolve, token: str, header: dict[str, Any], issuer_id: str) -> None:
    public = await _jwt_key(resolve, header, issuer_id)
    try:
        payload = verify_rs256(token, public)
    except JwsError as exc:
        raise _Stop(SIGNATURE_INVALID, str(exc)) from None
    if payload.get("iss") != issuer_id:
        raise _Stop(ISSUER_MISMATCH, "iss differs from the credential's issuer")
