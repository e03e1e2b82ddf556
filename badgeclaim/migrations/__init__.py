"""Alembic migrations of the badgeclaim schema (inside the package, so the source tree and the install agree)."""
