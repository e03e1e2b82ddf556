"""Builders for the outbox tests: claims that queue deliveries, and reading a delivery row back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from claims.models import BadgeClass, Delivery, Event
from claims.organising import create_codes
from claims.redemption import Recipient, redeem_code
from conftest import Database, World, issuing_context


async def queue_deliveries(db: Database, world: World, now: datetime, count: int, *, channel: str = "email",
                           language: str = "fr") -> list[int]:
    """``count`` claims, each queueing one delivery to its own address, as the web does; the delivery ids."""
    issuing = issuing_context()
    async with db.sessionmaker.begin() as session:
        event = await session.get(Event, world.event.id)
        badge = await session.get(BadgeClass, world.badge.id)
        codes = await create_codes(session, event, badge, count=count, now=now)
    for index, code in enumerate(codes):
        address = f"person{index}@example.org"
        async with db.sessionmaker.begin() as session:
            await redeem_code(session, code, Recipient(email=address, name=f"Personne {index}"), now, channel="web",
                              issuing=issuing, deliveries=[(channel, address)], language=language)
    async with db.sessionmaker() as session:
        return list((await session.scalars(select(Delivery.id).order_by(Delivery.id))).all())


async def delivery(db: Database, delivery_id: int) -> Delivery:
    async with db.sessionmaker() as session:
        found = await session.get(Delivery, delivery_id)
        assert found is not None
        return found
