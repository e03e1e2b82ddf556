"""The public documents: what each Open Badges URL answers (status, type, body), and resolving our own URLs."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.awards import baked_award_image, get_award
from claims.context import IssuingContext
from claims.errors import NOT_FOUND, ClaimError
from claims.keyring import issuer_keys
from claims.models import Award, BadgeClass, Issuer, SigningKey
from claims.openbadges import ob2, ob3
from claims.openbadges.canonical import compact_json
from claims.openbadges.compact_jws import read_unverified
from claims.openbadges.dataintegrity import add_proof
from claims.openbadges.keys import ED25519, RS256, load_ed25519_private_key, pick_active
from claims.openbadges.resolvers import Resolve
from claims.openbadges.urls import BadgeUrls, Kind, public_root_of

LD_JSON = "application/ld+json"
VC_LD_JSON = "application/vc+ld+json"
DID_JSON = "application/did+json"


class ServedDocument(NamedTuple):
    status: int
    content_type: str
    body: bytes


def _json(document: dict[str, Any], content_type: str = LD_JSON, status: int = 200) -> ServedDocument:
    return ServedDocument(status, content_type, compact_json(document).encode("utf-8"))


async def _get(session: AsyncSession, model: type, ident: Any, what: str) -> Any:
    row = await session.get(model, ident)
    if row is None:
        raise ClaimError(NOT_FOUND, what=what, id=str(ident))
    return row


async def revoked_awards(session: AsyncSession, issuer_id: uuid.UUID) -> list[Award]:
    query = (
        select(Award)
        .join(BadgeClass, Award.badge_class_id == BadgeClass.id)
        .where(BadgeClass.issuer_id == issuer_id, Award.revoked_at.is_not(None))
        .order_by(Award.revoked_at, Award.id)
    )
    return list((await session.scalars(query)).all())


async def status_list_document(
    session: AsyncSession, issuer_id: uuid.UUID, urls: BadgeUrls, *, secret_key: str, now: datetime
) -> dict[str, Any]:
    """The issuer's signed BitstringStatusListCredential as of ``now``."""
    await _get(session, Issuer, issuer_id, "issuer")
    indices = [a.status_index for a in await revoked_awards(session, issuer_id)]
    key = pick_active(await issuer_keys(session, issuer_id, ED25519), ED25519)
    unsigned = ob3.status_list_credential(issuer_id, indices, urls, now)
    return add_proof(
        unsigned,
        load_ed25519_private_key(key, secret_key),
        verification_method=urls.verification_method(key.id),
        created=now,
    )


async def _assertion(session: AsyncSession, award_id: uuid.UUID, urls: BadgeUrls) -> ServedDocument:
    award = await get_award(session, award_id)
    if award.revoked_at is not None:
        # OB 2.0 hosted verification: a revoked assertion answers 410 Gone with a revoked body.
        return _json(ob2.revoked_assertion(award, urls), status=410)
    if award.ob2_signed:
        # A signed award's hosted copy is exactly what was signed, so both verifications agree.
        _, payload = read_unverified(award.ob2_signed)
        return _json(payload)
    return _json(ob2.assertion(award, urls))


async def _issuer(session: AsyncSession, issuer_id: uuid.UUID, urls: BadgeUrls) -> ServedDocument:
    issuer = await _get(session, Issuer, issuer_id, "issuer")
    # Listed whatever the current OB 2.0 setting: badges signed before a switch to hosted must keep verifying.
    keys = await issuer_keys(session, issuer_id, RS256)
    return _json(ob2.issuer_profile(issuer, urls, signing_keys=keys))


async def _image(session: AsyncSession, model: type, ident: uuid.UUID, what: str) -> ServedDocument:
    row = await _get(session, model, ident, what)
    if row.image is None:
        raise ClaimError(NOT_FOUND, what=f"{what}_image", id=str(ident))
    return ServedDocument(200, row.image_mime, row.image)


async def _ob2_key(session: AsyncSession, key_id: str, urls: BadgeUrls) -> ServedDocument:
    key = await session.get(SigningKey, key_id)
    # Only RSA keys are OB 2.0 CryptographicKeys; Ed25519 ones live in the DID document.
    if key is None or key.algorithm != RS256:
        raise ClaimError(NOT_FOUND, what="key", id=key_id)
    return _json(ob2.cryptographic_key(key, urls))


async def _did_document(session: AsyncSession, urls: BadgeUrls) -> ServedDocument:
    # One DID for the whole installation (it is PUBLIC_URL's), so it lists every issuer's keys.
    keys = (await session.scalars(select(SigningKey).order_by(SigningKey.created_at, SigningKey.id))).all()
    return _json(ob3.did_document(urls, list(keys)), DID_JSON)


async def document_for_path(
    session: AsyncSession, path: str, *, issuing: IssuingContext, now: datetime
) -> ServedDocument:
    """The answer to a GET of one of our public badge URLs (path or absolute URL).

    JSON documents, issuer and badge images and the baked award image; the award's HTML page is the web
    app's own. Raises ClaimError(NOT_FOUND) for anything else or any unknown id.
    """
    urls = issuing.urls
    target = urls.parse(path)
    if target is None or target.kind is Kind.AWARD_PAGE:
        raise ClaimError(NOT_FOUND, what="document", id=path)
    kind = target.kind
    if kind is Kind.DID_DOCUMENT:
        return await _did_document(session, urls)
    if kind is Kind.OB2_KEY:
        return await _ob2_key(session, target.key_id, urls)
    ident = target.uuid
    if kind is Kind.OB2_ASSERTION:
        return await _assertion(session, ident, urls)
    if kind is Kind.OB2_BADGE:
        return _json(ob2.badge_class(await _get(session, BadgeClass, ident, "badge"), urls))
    if kind is Kind.OB2_ISSUER:
        return await _issuer(session, ident, urls)
    if kind is Kind.OB2_BADGE_IMAGE:
        return await _image(session, BadgeClass, ident, "badge")
    if kind is Kind.OB2_ISSUER_IMAGE:
        return await _image(session, Issuer, ident, "issuer")
    if kind is Kind.OB2_REVOCATIONS:
        issuer = await _get(session, Issuer, ident, "issuer")
        return _json(ob2.revocation_list(issuer, await revoked_awards(session, issuer.id), urls))
    if kind is Kind.OB3_CREDENTIAL:
        award = await get_award(session, ident)
        if not award.ob3_credential:
            raise ClaimError(NOT_FOUND, what="credential", id=str(ident))
        # Served while revoked too: the status list, not the credential's absence, says it is revoked.
        return ServedDocument(200, VC_LD_JSON, award.ob3_credential.encode("utf-8"))
    if kind is Kind.OB3_STATUS:
        status = await status_list_document(session, ident, urls, secret_key=issuing.secret_key, now=now)
        return _json(status, VC_LD_JSON)
    if kind is Kind.AWARD_PNG:
        award = await get_award(session, ident)
        if award.revoked_at is not None:
            return _json(ob2.revoked_assertion(award, urls), status=410)
        mime, image = await baked_award_image(session, award.id, issuing)
        return ServedDocument(200, mime, image)
    raise ClaimError(NOT_FOUND, what="document", id=path)  # pragma: no cover - every Kind is handled above


def parse_json_body(served: ServedDocument) -> dict[str, Any] | None:
    """The JSON object of a served document, or None when it is an image."""
    if not served.content_type.endswith("json"):
        return None
    value = json.loads(served.body)
    return value if isinstance(value, dict) else None


def database_resolver(
    session: AsyncSession, *, issuing: IssuingContext, now: datetime, fallback: Resolve | None = None
) -> Resolve:
    """Serve our own URLs exactly as the web app would, from ``session``; hand the others to ``fallback``.

    "Ours" is read off each URL, not only the configured PUBLIC_URL: a badge issued before PUBLIC_URL
    changed, or checked on a machine where it is not set, names the root it was issued under, and the
    database knows whether it issued credentials there. The verdict never depends on the setting.
    """
    roots: dict[str, bool] = {issuing.public_url: True}

    async def resolve(url: str) -> dict[str, Any] | None:
        root = public_root_of(url)
        if root is None:
            return await fallback(url) if fallback is not None else None
        if root not in roots:
            roots[root] = await issued_under(session, root)
        if not roots[root]:
            return await fallback(url) if fallback is not None else None
        context = issuing if root == issuing.public_url else replace(issuing, public_url=root)
        try:
            served = await document_for_path(session, url, issuing=context, now=now)
        except ClaimError as exc:
            if exc.code == NOT_FOUND:
                return None
            raise
        return parse_json_body(served) if served.status in (200, 410) else None

    return resolve


async def issued_under(session: AsyncSession, root: str) -> bool:
    """Whether this installation issued any credential under ``root`` (http or https: did:web is https)."""
    rest = root.split("://", 1)[1]
    escaped = rest.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    patterns = [f'%"id":"{scheme}://{escaped}/ob3/credentials/%' for scheme in ("http", "https")]
    found = await session.scalar(
        select(Award.id).where(or_(*(Award.ob3_credential.like(p, escape="\\") for p in patterns))).limit(1)
    )
    return found is not None
