"""Fixtures and builders shared by the Open Badges tests: issuer keys made once per run, signed awards."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from collections.abc import Callable
from typing import Any

import pytest

from claims.models import Award
from claims.awards import baked_award_image, revoke_award, sign_award
from claims.context import IssuingContext
from claims.openbadges.resolvers import Resolve
from claims.publishing import database_resolver
from claims.openbadges.verify import verify_badge
from claims.openbadges.verify_report import VerificationReport
import conftest
from conftest import PUBLIC_URL, SECRET, Database, World

AUTO = "auto"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4"/></svg>'


@pytest.fixture(scope="session")
def key_material() -> list[dict[str, Any]]:
    """The run's Ed25519 and RSA key pair (every world's issuer holds them)."""
    return [dict(m) for m in conftest.key_material()]


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
            await sign_award(session, award, self.context(ob2_signed=ob2_signed), self.now)
            return award.id

    async def load(self, award_id: uuid.UUID) -> Award:
        async with self.db.sessionmaker() as session:
            award = await session.get(Award, award_id)
            assert award is not None
            return award

    async def png(self, award_id: uuid.UUID) -> bytes:
        async with self.db.sessionmaker() as session:
            _, image = await baked_award_image(session, award_id, self.context())
            return image

    async def revoke(self, award_id: uuid.UUID, reason: str | None = "fraude") -> None:
        async with self.db.sessionmaker.begin() as session:
            await revoke_award(session, award_id, reason, self.now)

    async def verify(self, data: bytes | str, *, at: datetime | None = None) -> VerificationReport:
        if isinstance(data, str):
            data = data.encode("utf-8")
        moment = at or self.now + timedelta(minutes=5)
        async with self.db.sessionmaker() as session:
            # Our server signs its status list when asked, so it serves it as of the moment of verification.
            return await verify_badge(data, resolve=self.resolver(session, at=moment), now=moment)

    def resolver(self, session: Any, *, at: datetime | None = None) -> Resolve:
        return database_resolver(session, issuing=self.context(), now=at or self.now)

    def context(self, *, ob2_signed: bool = False) -> IssuingContext:
        return conftest.issuing_context(ob2_signed=ob2_signed)


@pytest.fixture
async def issuing(db: Database, world: World, now: datetime) -> Issuing:
    """The world's issuer (its keys installed), ready to sign awards."""
    return Issuing(db, world, now)


def credential_of(award: Award) -> dict[str, Any]:
    assert award.ob3_credential is not None
    return json.loads(award.ob3_credential)


def codes(report: VerificationReport) -> set[str]:
    return {p.code for p in report.problems}


def edit_json(text: str, change: Callable[[dict[str, Any]], None]) -> str:
    document = json.loads(text)
    change(document)
    return json.dumps(document)
