"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from badgeclaim.database import migrate
from claims.models import Base


def _diff(connection):  # type: ignore[no-untyped-def]
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


async def test_migrated_schema_matches_the_models(db):
    async with db.engine.connect() as conn:
        assert await conn.run_sync(_diff) == []


async def test_migrating_twice_changes_nothing(db):
    await migrate(db.engine)
    async with db.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {"issuers", "signing_keys", "badge_classes", "events", "claim_codes", "awards", "deliveries",
            "audit_log", "alembic_version"} <= tables
