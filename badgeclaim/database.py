"""Engines and sessions for SQLite (embedded) and PostgreSQL (scale-out), and running the migrations."""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc as sa_exc
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from badgeclaim.database_problems import (  # noqa: F401  (re-exported: callers name them from here too)
    BAD_URL,
    MISSING_DRIVER,
    NO_DATABASE,
    NOT_INITIALISED,
    REFUSED,
    UNKNOWN_DIALECT,
    UNREACHABLE,
    DatabaseProblem,
    explain,
)

MIGRATIONS_DIR = Path(str(importlib.resources.files("badgeclaim.migrations")))


def create_engine(url: str, *, must_exist: bool = False, **kwargs: Any) -> AsyncEngine:
    """An async engine; on SQLite, every transaction takes the write lock up front.

    SQLite lets one writer in at a time. A deferred transaction that reads first and writes later fails
    with SQLITE_BUSY at once when another writer went ahead in between (no busy wait in WAL mode), so
    redemptions under load would error instead of queueing. ``BEGIN IMMEDIATE`` makes them queue.

    ``must_exist``: a SQLite file that is not there is ``not_initialised`` rather than silently created
    (only ``init`` and ``demo`` make databases). A URL that cannot work raises DatabaseProblem.
    """
    try:
        parsed = make_url(url)
    except sa_exc.ArgumentError as error:
        raise DatabaseProblem(BAD_URL, str(error)) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            if must_exist and not Path(parsed.database).is_file():
                raise DatabaseProblem(NOT_INITIALISED, parsed.database)
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = _async_engine(url, connect_args={"timeout": 60}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.close()
            # Let SQLAlchemy's "begin" event below emit BEGIN itself instead of the driver's deferred one.
            dbapi_connection.isolation_level = None

        @event.listens_for(engine.sync_engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return _async_engine(url, **kwargs)


def _async_engine(url: str, **kwargs: Any) -> AsyncEngine:
    try:
        return create_async_engine(url, **kwargs)
    except sa_exc.NoSuchModuleError as error:
        raise DatabaseProblem(UNKNOWN_DIALECT, str(error)) from None
    except ImportError as error:  # e.g. postgresql:// names psycopg, which is not installed
        raise DatabaseProblem(MISSING_DRIVER, str(error)) from None
    except sa_exc.InvalidRequestError as error:  # a synchronous driver given to the asyncio engine
        raise DatabaseProblem(MISSING_DRIVER, str(error)) from None


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Any:
    # Alembic is imported only by what migrates: every other command starts faster without it.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade(connection: Connection) -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest revision (idempotent)."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)
