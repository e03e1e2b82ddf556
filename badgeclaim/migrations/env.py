"""Alembic environment: runs on the connection badgeclaim hands it (async engines call it via run_sync)."""

from alembic import context

from claims.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `badgeclaim init` (or badgeclaim.database.migrate), not bare alembic")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite can't ALTER most things; batch mode copies
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
