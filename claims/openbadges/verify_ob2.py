"""Verifying an Open Badges 2.0 assertion: hosted (the published copy) or signed (JWS, key, revocation list)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from claims.openbadges.compact_jws import JwsError, read_unverified, verify_rs256
from claims.openbadges.resolvers import Resolve
from claims.openbadges.timestamps import parse_iso_utc
from claims.openbadges.verify_report import (
    DOCUMENT_UNAVAILABLE,
    EXPIRED,
    ISSUER_MISMATCH,
    KEY_UNTRUSTED,
    MALFORMED,
    MISMATCH,
    NOT_YET_VALID,
    OB2,
    REVOKED,
    SIGNATURE_INVALID,
    FormatResult,
)


class _Stop(Exception):
    """A failure after which nothing more can be checked; its problem is already recorded."""


def _has_type(document: dict[str, Any], wanted: str) -> bool:
    kind = document.get("type")
    return kind == wanted or (isinstance(kind, list) and wanted in kind)


def _require(result: FormatResult, document: dict[str, Any], what: str, fields: tuple[str, ...]) -> None:
    missing = [f for f in fields if document.get(f) in (None, "", [], {})]
    if missing:
        result.fail(MALFORMED, f"{what} lacks {', '.join(missing)}")


async def _fetch(result: FormatResult, resolve: Resolve, url: Any, what: str) -> dict[str, Any]:
    document = await resolve(url) if isinstance(url, str) else None
    if document is None:
        result.fail(DOCUMENT_UNAVAILABLE, f"{what} at {url!r}")
        raise _Stop
    return document


def _check_assertion(result: FormatResult, assertion: dict[str, Any], now: datetime) -> None:
    _require(result, assertion, "assertion", ("id", "type", "recipient", "badge", "verification", "issuedOn"))
    if not _has_type(assertion, "Assertion"):
        result.fail(MALFORMED, "assertion type is not Assertion")
    recipient = assertion.get("recipient")
    if not isinstance(recipient, dict) or not recipient.get("identity") or not recipient.get("type"):
        result.fail(MALFORMED, "recipient needs type and identity")
    result.id = assertion.get("id")
    try:
        issued = parse_iso_utc(assertion.get("issuedOn"))
        result.issued_on = issued
        if issued > now:
            result.fail(NOT_YET_VALID, f"issuedOn {assertion.get('issuedOn')}")
    except ValueError as exc:
        result.fail(MALFORMED, f"issuedOn: {exc}")
    if assertion.get("expires") is not None:
        try:
            expires = parse_iso_utc(assertion["expires"])
        except ValueError as exc:
            result.fail(MALFORMED, f"expires: {exc}")
        else:
            result.expires = expires
            if expires <= now:
                result.expired = True
                result.fail(EXPIRED, assertion["expires"])


async def _badge_and_issuer(result: FormatResult, resolve: Resolve, assertion: dict[str, Any]) -> dict[str, Any]:
    badge = await _fetch(result, resolve, assertion.get("badge"), "badge class")
    _require(result, badge, "badge class", ("id", "type", "name", "description", "image", "criteria", "issuer"))
    if badge.get("id") != assertion.get("badge") or not _has_type(badge, "BadgeClass"):
        result.fail(MISMATCH, "the badge URL does not serve that BadgeClass")
    result.badge_name = badge.get("name")
    issuer = await _fetch(result, resolve, badge.get("issuer"), "issuer profile")
    _require(result, issuer, "issuer profile", ("id", "type", "name", "url", "email"))
    if issuer.get("id") != badge.get("issuer"):
        result.fail(ISSUER_MISMATCH, "the issuer URL does not serve that profile")
    result.issuer_name = issuer.get("name")
    return issuer


def _revoked(result: FormatResult, published: dict[str, Any], url: str) -> bool:
    """Record a 410 revoked body (OB 2.0 hosted revocation); True when the assertion is revoked."""
    if published.get("revoked") is not True:
        return False
    result.id = published.get("id") if isinstance(published.get("id"), str) else url
    result.revoked = True
    result.fail(REVOKED, str(published.get("revocationReason") or ""))
    return True


def _is_hosted(document: dict[str, Any]) -> bool:
    return (document.get("verification") or {}).get("type") in ("hosted", "HostedBadge")


async def _check_published(result: FormatResult, resolve: Resolve, published: dict[str, Any], now: datetime) -> None:
    """The checks of a hosted assertion as its issuer serves it: its fields, its badge and issuer, their origin."""
    _check_assertion(result, published, now)
    issuer = await _badge_and_issuer(result, resolve, published)
    # OB 2.0: a hosted assertion must live on the issuer's origin.
    if urlsplit(published["id"]).netloc != urlsplit(str(issuer.get("id"))).netloc:
        result.fail(ISSUER_MISMATCH, "assertion and issuer are on different origins")


async def verify_hosted(text: str, resolve: Resolve, now: datetime) -> FormatResult:
    """A baked hosted assertion (JSON): it must be exactly what its id serves."""
    result = FormatResult(OB2, "hosted")
    try:
        baked = json.loads(text)
    except ValueError:
        result.fail(MALFORMED, "the assertion is not JSON")
        return result
    if not isinstance(baked, dict) or not isinstance(baked.get("id"), str):
        result.fail(MALFORMED, "the assertion has no id")
        return result
    if not _is_hosted(baked):
        result.fail(MALFORMED, "a JSON assertion must use hosted verification")
        return result
    try:
        published = await _fetch(result, resolve, baked["id"], "assertion")
        if _revoked(result, published, baked["id"]):
            return result
        # Hosted verification trusts the issuer's server: any difference from what it serves is a forgery.
        if published != baked:
            result.fail(MISMATCH, "the baked assertion differs from the one at its id")
        await _check_published(result, resolve, published, now)
    except _Stop:
        pass
    return result


async def verify_hosted_url(url: str, resolve: Resolve, now: datetime) -> FormatResult:
    """A badge baked with only its hosted assertion's URL, as openbadges-bakery and other bakers write
    hosted badges: the assertion served there is the badge."""
    result = FormatResult(OB2, "hosted")
    try:
        published = await _fetch(result, resolve, url, "assertion")
        if _revoked(result, published, url):
            return result
        # A hosted assertion lives at its id; one served under another URL could pass for another badge.
        if published.get("id") != url:
            result.fail(MISMATCH, "the assertion at the baked URL has another id")
            return result
        if not _is_hosted(published):
            result.fail(MALFORMED, "the assertion at the baked URL does not use hosted verification")
            return result
        await _check_published(result, resolve, published, now)
    except _Stop:
        pass
    return result


def _listed(value: Any, url: str) -> bool:
    return value == url or (isinstance(value, list) and url in value)


async def verify_signed(token: str, resolve: Resolve, now: datetime) -> FormatResult:
    result = FormatResult(OB2, "signed")
    try:
        _, claimed = read_unverified(token)
    except JwsError as exc:
        result.fail(MALFORMED, str(exc))
        return result
    creator = (claimed.get("verification") or {}).get("creator")
    try:
        key_document = await _fetch(result, resolve, creator, "signing key")
        try:
            public = load_pem_public_key(str(key_document.get("publicKeyPem", "")).encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            result.fail(MALFORMED, "the CryptographicKey has no usable publicKeyPem")
            raise _Stop from None
        if not isinstance(public, RSAPublicKey):
            result.fail(SIGNATURE_INVALID, "the key is not an RSA key")
            raise _Stop
        try:
            assertion = verify_rs256(token, public)
        except JwsError as exc:
            result.fail(SIGNATURE_INVALID, str(exc))
            raise _Stop from None
        if (assertion.get("verification") or {}).get("type") not in ("signed", "SignedBadge"):
            result.fail(MALFORMED, "a JWS assertion must use signed verification")
        _check_assertion(result, assertion, now)
        issuer = await _badge_and_issuer(result, resolve, assertion)
        # The key proves the issuer only if both point at each other (OB 2.0 signed verification).
        if key_document.get("owner") != issuer.get("id") or not _listed(issuer.get("publicKey"), creator):
            result.fail(KEY_UNTRUSTED, "the key and the issuer profile do not name each other")
        if issuer.get("revocationList"):
            revocations = await _fetch(result, resolve, issuer["revocationList"], "revocation list")
            for entry in revocations.get("revokedAssertions") or []:
                revoked_id = entry.get("id") if isinstance(entry, dict) else entry
                if revoked_id == assertion.get("id"):
                    result.revoked = True
                    reason = entry.get("revocationReason", "") if isinstance(entry, dict) else ""
                    result.fail(REVOKED, str(reason or ""))
    except _Stop:
        pass
    return result
