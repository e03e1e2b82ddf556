"""Fixtures and builders shared by the Open Badges tests: issuer keys made once per run, signed awards."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from claims.models import Award, SigningKey
from claims.openbadges.issuing import baked_award_png, revoke_award, sign_award
from claims.openbadges.keys import generate_issuer_keys
from claims.openbadges.resolvers import Resolve, database_resolver
from claims.openbadges.verify import verify_badge
from claims.openbadges.verify_report import VerificationReport
from conftest import NOW, Database, World

PUBLIC_URL = "https://badges.example.org"
SECRET = "test-secret-key-of-this-installation"
AUTO = "auto"


@pytest.fixture(scope="session")
def key_material() -> list[dict[str, Any]]:
    """One Ed25519 and one RSA-3072 key pair for the whole run: generating RSA keys costs a second each."""
    keys = generate_issuer_keys(uuid.uuid4(), SECRET, NOW)
    return [
        {"id": k.id, "algorithm": k.algorithm, "public_pem": k.public_pem, "private_encrypted": k.private_encrypted}
        for k in keys
    ]


@dataclass
class Issuing:
    db: Database
    world: World
    now: datetime

    async def award(
        self,
        *,
        email: str | None = AUTO,
        ob2_signed: bool = False,
        expires_at: datetime | None = None,
        issued_at: datetime | None = None,
        badge_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        """A signed award of the world's badge, committed; a new e-mail address each time unless one is given."""
        if email == AUTO:
            email = f"p{secrets.token_hex(4)}@example.org"
        async with self.db.sessionmaker.begin() as session:
            award = Award(
                id=uuid.uuid4(),
                badge_class_id=badge_id or self.world.badge.id,
                event_id=self.world.event.id,
                recipient_email=email,
                recipient_salt=secrets.token_hex(16),
                channel="web",
                status_index=secrets.randbelow(131072),
                issued_at=issued_at or self.now,
                expires_at=expires_at,
            )
            session.add(award)
            await session.flush()
            await sign_award(
                session, award, public_url=PUBLIC_URL, secret_key=SECRET, ob2_signed=ob2_signed, now=self.now
            )
            return award.id

    async def load(self, award_id: uuid.UUID) -> Award:
        async with self.db.sessionmaker() as session:
            award = await session.get(Award, award_id)
            assert award is not None
            return award

    async def png(self, award_id: uuid.UUID) -> bytes:
        async with self.db.sessionmaker() as session:
            return await baked_award_png(session, award_id, public_url=PUBLIC_URL)

    async def revoke(self, award_id: uuid.UUID, reason: str | None = "fraude") -> None:
        async with self.db.sessionmaker.begin() as session:
            await revoke_award(session, award_id, reason, self.now)

    async def verify(self, data: bytes | str, *, at: datetime | None = None) -> VerificationReport:
        if isinstance(data, str):
            data = data.encode("utf-8")
        async with self.db.sessionmaker() as session:
            resolve = self.resolver(session)
            return await verify_badge(data, resolve=resolve, now=at or self.now + timedelta(minutes=5))

    def resolver(self, session: Any, *, at: datetime | None = None) -> Resolve:
        return database_resolver(
            session, public_url=PUBLIC_URL, secret_key=SECRET, now=at or self.now
        )


@pytest.fixture
async def issuing(db: Database, world: World, now: datetime, key_material: list[dict[str, Any]]) -> Issuing:
    """The world's issuer with its keys installed, ready to sign awards."""
    async with db.sessionmaker.begin() as session:
        for material in key_material:
            session.add(SigningKey(issuer_id=world.issuer.id, created_at=now, retired_at=None, **material))
    return Issuing(db, world, now)


def credential_of(award: Award) -> dict[str, Any]:
    assert award.ob3_credential is not None
    return json.loads(award.ob3_credential)
