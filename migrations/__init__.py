"""Alembic migrations of the badgeclaim schema (installed as ``badgeclaim.migrations``)."""
