"""What the core needs of the deployment to issue awards, and each process's copies of the issuing material."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import cached_property

from cachetools import LRUCache
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.errors import NOT_FOUND, ClaimError
from claims.models import BadgeClass, Issuer, SigningKey
from claims.openbadges.keys import ED25519, RS256, NoActiveKeyError, load_ed25519_private_key, load_rsa_private_key, pick_active
from claims.openbadges.urls import BadgeUrls


@dataclass(frozen=True)
class IssuerCopy:
    id: uuid.UUID
    name: str
    url: str
    email: str
    image_mime: str | None


@dataclass(frozen=True)
class BadgeCopy:
    id: uuid.UUID
    issuer_id: uuid.UUID
    name: str
    description: str
    criteria: str
    image: bytes
    image_mime: str
    validity_days: int | None


@dataclass(frozen=True)
class SigningMaterial:
    """Everything issuing an award of one badge class needs, none of it changing until a revision does."""

    issuer: IssuerCopy
    badge: BadgeCopy
    ed25519_key_id: str
    ed25519_key: Ed25519PrivateKey
    rs256_key_id: str | None
    rs256_key: RSAPrivateKey | None


class MaterialCache:
    """Per-process copies keyed by (badge, its revision, its issuer's revision).

    Every claim reads the two revisions in the statement that takes its slot, so a change made by any
    process (a new image, a key rotation) is seen by the next claim everywhere; nothing else is shared.
    """

    def __init__(self, maxsize: int = 256) -> None:
        self._entries: LRUCache[tuple[uuid.UUID, int, int], SigningMaterial] = LRUCache(maxsize=maxsize)

    async def material(
        self, session: AsyncSession, badge_id: uuid.UUID, badge_revision: int, issuer_revision: int, secret_key: str
    ) -> SigningMaterial:
        key = (badge_id, badge_revision, issuer_revision)
        found = self._entries.get(key)
        if found is None:
            # Two claims missing at once both load; the copies are equal, so the race costs only time.
            found = await _load_material(session, badge_id, secret_key)
            self._entries[key] = found
        return found


async def _load_material(session: AsyncSession, badge_id: uuid.UUID, secret_key: str) -> SigningMaterial:
    badge = await session.get(BadgeClass, badge_id)
    if badge is None:
        raise ClaimError(NOT_FOUND, what="badge", id=str(badge_id))
    issuer = await session.get(Issuer, badge.issuer_id)
    if issuer is None:
        raise ClaimError(NOT_FOUND, what="issuer", id=str(badge.issuer_id))
    keys = list((await session.scalars(select(SigningKey).where(SigningKey.issuer_id == issuer.id))).all())
    ed_key = pick_active(keys, ED25519)
    try:
        rsa_key = pick_active(keys, RS256)
    except NoActiveKeyError:
        rsa_key = None
    return SigningMaterial(
        issuer=IssuerCopy(issuer.id, issuer.name, issuer.url, issuer.email, issuer.image_mime),
        badge=BadgeCopy(badge.id, badge.issuer_id, badge.name, badge.description, badge.criteria, badge.image,
                        badge.image_mime, badge.validity_days),
        ed25519_key_id=ed_key.id,
        ed25519_key=load_ed25519_private_key(ed_key, secret_key),
        rs256_key_id=rsa_key.id if rsa_key is not None else None,
        rs256_key=load_rsa_private_key(rsa_key, secret_key) if rsa_key is not None else None,
    )


@dataclass(frozen=True)
class IssuingContext:
    """Built once at the edge from settings and passed to every claim of the process."""

    public_url: str  # no trailing slash; every OB id is built on it
    secret_key: str  # decrypts the issuer's private keys
    ob2_signed: bool = False  # OB 2.0 signed (JWS) verification instead of hosted
    cache: MaterialCache = field(default_factory=MaterialCache, compare=False, repr=False)

    @cached_property
    def urls(self) -> BadgeUrls:
        return BadgeUrls(self.public_url)
