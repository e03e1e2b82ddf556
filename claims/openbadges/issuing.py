"""Signing an award's OB 2.0 and OB 3.0 documents, baking them into its image, and revoking it."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from claims.audit import record
from claims.errors import NOT_FOUND, ClaimError
from claims.models import Award, BadgeClass, Issuer
from claims.openbadges import ob2, ob3
from claims.openbadges.baking import bake
from claims.openbadges.dataintegrity import add_proof
from claims.openbadges.keys import (
    ED25519,
    RS256,
    issuer_keys,
    load_ed25519_private_key,
    load_rsa_private_key,
    pick_active,
)
from claims.openbadges.urls import BadgeUrls


def compact_json(document: dict[str, Any]) -> str:
    # No spaces: the text is baked into every image and served as is.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


async def _badge_and_issuer(session: AsyncSession, award: Award) -> tuple[BadgeClass, Issuer]:
    badge = await session.get(BadgeClass, award.badge_class_id)
    if badge is None:
        raise ClaimError(NOT_FOUND, what="badge", id=str(award.badge_class_id))
    issuer = await session.get(Issuer, badge.issuer_id)
    if issuer is None:
        raise ClaimError(NOT_FOUND, what="issuer", id=str(badge.issuer_id))
    return badge, issuer


async def sign_award(
    session: AsyncSession, award: Award, *, public_url: str, secret_key: str, ob2_signed: bool, now: datetime
) -> None:
    """Set ``award.ob3_credential`` (eddsa-rdfc-2022) and, when OB 2.0 is signed, ``award.ob2_signed`` (JWS).

    Runs in the claim's transaction; raises NoActiveKeyError when the issuer has no keys yet (``init`` makes
    them) and KeyUnlockError when ``secret_key`` is not the one they were encrypted under.
    """
    badge, issuer = await _badge_and_issuer(session, award)
    keys = await issuer_keys(session, issuer.id)
    urls = BadgeUrls(public_url)

    ed_key = pick_active(keys, ED25519)
    credential = ob3.credential(award, badge, issuer, urls)
    signed = add_proof(
        credential,
        load_ed25519_private_key(ed_key, secret_key),
        verification_method=urls.verification_method(ed_key.id),
        created=now,
    )
    award.ob3_credential = compact_json(signed)

    if ob2_signed:
        rsa_key = pick_active(keys, RS256)
        assertion = ob2.assertion(award, urls, signing_key_id=rsa_key.id)
        award.ob2_signed = ob2.sign_assertion(assertion, load_rsa_private_key(rsa_key, secret_key))


async def get_award(session: AsyncSession, award_id: uuid.UUID) -> Award:
    award = await session.get(Award, award_id)
    if award is None:
        raise ClaimError(NOT_FOUND, what="award", id=str(award_id))
    return award


def ob2_payload(award: Award, urls: BadgeUrls) -> str:
    """What an image carries for OB 2.0: the JWS of a signed award, else the hosted assertion's JSON."""
    return award.ob2_signed or compact_json(ob2.assertion(award, urls))


async def baked_award_image(session: AsyncSession, award_id: uuid.UUID, *, public_url: str) -> tuple[str, bytes]:
    """(MIME type, bytes) of the badge image baked with the award's OB 2.0 and OB 3.0 payloads."""
    award = await get_award(session, award_id)
    badge = await session.get(BadgeClass, award.badge_class_id)
    if badge is None:
        raise ClaimError(NOT_FOUND, what="badge", id=str(award.badge_class_id))
    # Both payloads in one image: OB 2.0 backpacks read the "openbadges" chunk, OB 3.0 wallets the other.
    baked = bake(badge.image, ob2=ob2_payload(award, BadgeUrls(public_url)), ob3=award.ob3_credential)
    return badge.image_mime, baked


async def baked_award_png(session: AsyncSession, award_id: uuid.UUID, *, public_url: str) -> bytes:
    """The baked badge image (a PNG, or an SVG when the badge class image is one)."""
    _, baked = await baked_award_image(session, award_id, public_url=public_url)
    return baked


async def revoke_award(
    session: AsyncSession, award_id: uuid.UUID, reason: str | None, now: datetime, *, actor: str = "organiser"
) -> Award:
    """Revoke an award: its assertion then answers 410 and its status list bit is set. Revoking twice keeps
    the first date and updates the reason."""
    award = await get_award(session, award_id)
    if award.revoked_at is None:
        award.revoked_at = now
    award.revocation_reason = (reason or "").strip()[:500] or None
    record(session, now, actor=actor, action="award.revoked", subject=str(award.id))
    return award
