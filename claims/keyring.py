"""The issuers' signing keys in the database: creating them, listing them, rotating them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from claims.models import Issuer, SigningKey
from claims.openbadges.keys import ALGORITHMS, new_key


def generate_issuer_keys(issuer_id: uuid.UUID, secret_key: str, now: datetime) -> list[SigningKey]:
    """One Ed25519 key (OB 3.0) and one RSA key (OB 2.0 signed, VC-JWT); the caller adds them to its session."""
    keys = []
    for algorithm in ALGORITHMS:
        made = new_key(algorithm, secret_key)
        keys.append(SigningKey(
            id=made.id, issuer_id=issuer_id, algorithm=made.algorithm, public_pem=made.public_pem,
            private_encrypted=made.private_encrypted, created_at=now, retired_at=None,
        ))
    return keys


async def issuer_keys(session: AsyncSession, issuer_id: uuid.UUID, algorithm: str | None = None) -> list[SigningKey]:
    """All keys of an issuer, retired ones included (they still verify what they signed), oldest first."""
    query = select(SigningKey).where(SigningKey.issuer_id == issuer_id)
    if algorithm is not None:
        query = query.where(SigningKey.algorithm == algorithm)
    return list((await session.scalars(query.order_by(SigningKey.created_at, SigningKey.id))).all())


async def rotate_keys(session: AsyncSession, issuer_id: uuid.UUID, secret_key: str, now: datetime) -> list[SigningKey]:
    """Retire the issuer's active keys and add fresh ones; retired keys stay published for old awards."""
    for key in await issuer_keys(session, issuer_id):
        if key.retired_at is None:
            key.retired_at = now
    fresh = generate_issuer_keys(issuer_id, secret_key, now)
    session.add_all(fresh)
    # Every process caches the active keys per issuer revision: a new revision makes them all reload.
    await session.execute(
        update(Issuer).where(Issuer.id == issuer_id).values(revision=Issuer.revision + 1)
        .execution_options(synchronize_session="fetch")
    )
    await session.flush()
    return fresh
