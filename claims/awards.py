"""Awards: signing their OB 2.0 / OB 3.0 documents, the baked image, revoking and erasing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.audit import record
from claims.context import IssuingContext, SigningMaterial
from claims.errors import INVALID_INPUT, NOT_FOUND, ClaimError
from claims.models import Award, BadgeClass, Issuer
from claims.openbadges import ob2, ob3
from claims.openbadges.baking import bake
from claims.openbadges.canonical import compact_json
from claims.openbadges.dataintegrity import add_proof
from claims.openbadges.keys import NoActiveKeyError
from claims.openbadges.records import AwardFacts
from claims.openbadges.urls import BadgeUrls

MAX_REASON_CHARS = 500


def signed_documents(
    award: AwardFacts, material: SigningMaterial, issuing: IssuingContext, now: datetime
) -> dict[str, Any]:
    """The award's signed documents, as column values: ``ob3_credential`` always (eddsa-rdfc-2022), and
    ``ob2_signed`` (a compact JWS) when OB 2.0 signed verification is on.

    Pure work on cached material, so a claim can sign before it inserts and insert its award once.
    """
    urls = issuing.urls
    credential = ob3.credential(award, material.badge, material.issuer, urls)
    signed = add_proof(
        credential, material.ed25519_key,
        verification_method=urls.verification_method(material.ed25519_key_id), created=now,
    )
    values: dict[str, Any] = {"ob3_credential": compact_json(signed), "ob2_signed": None}
    if issuing.ob2_signed:
        if material.rs256_key is None or material.rs256_key_id is None:
            raise NoActiveKeyError("no active RS256 key")
        assertion = ob2.assertion(award, urls, signing_key_id=material.rs256_key_id)
        values["ob2_signed"] = ob2.sign_assertion(assertion, material.rs256_key)
    return values


async def material_for(session: AsyncSession, issuing: IssuingContext, badge_id: uuid.UUID) -> SigningMaterial:
    """The cached material of a badge class, checked against the revisions in the database now."""
    row = (
        await session.execute(
            select(BadgeClass.revision, Issuer.revision)
            .join(Issuer, Issuer.id == BadgeClass.issuer_id)
            .where(BadgeClass.id == badge_id)
        )
    ).first()
    if row is None:
        raise ClaimError(NOT_FOUND, what="badge", id=str(badge_id))
    return await issuing.cache.material(session, badge_id, row[0], row[1], issuing.secret_key)


async def sign_award(session: AsyncSession, award: Award, issuing: IssuingContext, now: datetime) -> None:
    """(Re)sign an award already in the session; raises NoActiveKeyError before ``init`` made keys."""
    material = await material_for(session, issuing, award.badge_class_id)
    for name, value in signed_documents(award, material, issuing, now).items():
        setattr(award, name, value)


async def get_award(session: AsyncSession, award_id: uuid.UUID) -> Award:
    award = await session.get(Award, award_id)
    if award is None:
        raise ClaimError(NOT_FOUND, what="award", id=str(award_id))
    return award


def ob2_payload(award: Award, urls: BadgeUrls) -> str:
    """What an image carries for OB 2.0: the JWS of a signed award, else the hosted assertion's JSON."""
    return award.ob2_signed or compact_json(ob2.assertion(award, urls))


def bake_award(award: Award, material: SigningMaterial, urls: BadgeUrls) -> tuple[str, bytes]:
    """(MIME type, bytes) of the badge image carrying both payloads: OB 2.0 backpacks read the
    "openbadges" one, OB 3.0 wallets the other."""
    baked = bake(material.badge.image, ob2=ob2_payload(award, urls), ob3=award.ob3_credential)
    return material.badge.image_mime, baked


async def baked_award_image(session: AsyncSession, award_id: uuid.UUID, issuing: IssuingContext) -> tuple[str, bytes]:
    """(MIME type, bytes) of the award's baked image (a PNG, or an SVG when the class image is one)."""
    award = await get_award(session, award_id)
    material = await material_for(session, issuing, award.badge_class_id)
    return bake_award(award, material, issuing.urls)


@dataclass(frozen=True)
class Revocation:
    award: Award
    already: bool  # True: it was revoked before; its date and reason were kept


async def revoke_award(
    session: AsyncSession, award_id: uuid.UUID, reason: str | None, now: datetime, *, actor: str = "organiser",
    issuer_id: uuid.UUID | None = None,
) -> Revocation:
    """Revoke an award: its assertion then answers 410 and its status list bit is set.

    Revoking again changes nothing (the first date and reason stay, what verifiers saw stays true).
    """
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON_CHARS:
        raise ClaimError(INVALID_INPUT, field="reason")
    award = await get_award(session, award_id)
    if award.revoked_at is not None:
        return Revocation(award, already=True)
    award.revoked_at = now
    award.revocation_reason = reason
    record(session, now, actor=actor, action="award.revoked", subject=str(award.id), issuer_id=issuer_id)
    return Revocation(award, already=False)
