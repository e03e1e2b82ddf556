"""Shared fixtures: a fresh migrated database on SQLite and on PostgreSQL, a fixed clock, and a small world."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from datetime import datetime, timedelta, timezone
from typing import AsyncIterator

import pytest
from PIL import Image
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from badgeclaim.database import create_engine, create_sessionmaker, migrate
from claims.context import IssuingContext
from claims.keyring import generate_issuer_keys
from claims.models import BadgeClass, Event, Issuer, SigningKey
from claims.organising import create_badge_class, create_event, create_issuer

# The Open Badges fixtures (issuer keys made once per run, signed awards) live beside the builders they use.
pytest_plugins = ["ob_support", "smtp_support", "web_support", "console_support"]

POSTGRES_URL = os.environ.get("BADGECLAIM_TEST_POSTGRES_URL", "postgresql+asyncpg://root@127.0.0.1:5432/test")
NOW = datetime(2026, 6, 12, 10, 0, tzinfo=timezone.utc)
PUBLIC_URL = "https://badges.example.org"
SECRET = "test-secret-key-of-this-installation"


@functools.cache
def key_material() -> tuple[dict[str, object], ...]:
    """One Ed25519 and one RSA-3072 key pair for the whole run: generating RSA keys costs a second each."""
    keys = generate_issuer_keys(uuid.uuid4(), SECRET, NOW)
    return tuple(
        {"id": k.id, "algorithm": k.algorithm, "public_pem": k.public_pem, "private_encrypted": k.private_encrypted}
        for k in keys
    )


def issuing_context(*, ob2_signed: bool = False) -> IssuingContext:
    """What a claim needs to sign, for the test installation (a fresh per-process cache each time)."""
    return IssuingContext(PUBLIC_URL, SECRET, ob2_signed)

_postgres_state: dict[str, str | None] = {}


async def _postgres_problem() -> str | None:
    """None when PostgreSQL answers, else why not (cached for the session)."""
    if "problem" not in _postgres_state:
        engine = create_engine(POSTGRES_URL, pool_size=1, max_overflow=0)
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            _postgres_state["problem"] = None
        except Exception as exc:  # any failure to connect means "no PostgreSQL here"
            _postgres_state["problem"] = f"PostgreSQL not reachable at {POSTGRES_URL}: {exc.__class__.__name__}"
        finally:
            await engine.dispose()
    return _postgres_state["problem"]


async def require_postgres() -> None:
    problem = await _postgres_problem()
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(problem + " (CI must run the PostgreSQL tests)")
        pytest.skip(problem)


@dataclass
class Database:
    """A migrated, empty database of one backend; ``url`` + ``schema`` let another process reach it."""

    backend: str
    url: str
    schema: str | None
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]


def engine_for(url: str, schema: str | None, **kwargs: object) -> AsyncEngine:
    if schema is not None:
        kwargs["connect_args"] = {"server_settings": {"search_path": schema}}
    return create_engine(url, **kwargs)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def open_database(backend: str, tmp_path: Path) -> AsyncIterator[Database]:
    """A freshly migrated database: a SQLite file, or a PostgreSQL schema of its own (dropped after)."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
        engine = create_engine(url)
        schema = None
    else:
        await require_postgres()
        url = POSTGRES_URL
        schema = "t_" + uuid.uuid4().hex[:12]
        admin = create_engine(url, pool_size=1, max_overflow=0)
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await admin.dispose()
        engine = engine_for(url, schema)
    try:
        await migrate(engine)
        yield Database(backend, url, schema, engine, create_sessionmaker(engine))
    finally:
        await engine.dispose()
        if schema is not None:
            admin = create_engine(url, pool_size=1, max_overflow=0)
            async with admin.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            await admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """The database of a test that must hold on both backends."""
    async with open_database(request.param, tmp_path) as database:
        yield database


@pytest.fixture
async def postgres_db(tmp_path: Path) -> AsyncIterator[Database]:
    """PostgreSQL alone, for what only the scale-out backend promises (several processes)."""
    async with open_database("postgres", tmp_path) as database:
        yield database


@pytest.fixture
def now() -> datetime:
    return NOW


def png_bytes(size: int = 64, colour: tuple[int, int, int, int] = (20, 90, 200, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (size, size), colour).save(out, format="PNG")
    return out.getvalue()


@dataclass
class World:
    issuer: Issuer
    badge: BadgeClass
    event: Event


async def make_world(db: Database, now: datetime) -> World:
    """An issuer with its signing keys, a badge class and an event running today, committed."""
    async with db.sessionmaker.begin() as session:
        issuer = await create_issuer(
            session, name="Atelier Canopé", url="https://canope.example.org", email="badges@canope.example.org", now=now
        )
        for material in key_material():
            session.add(SigningKey(issuer_id=issuer.id, created_at=now, retired_at=None, **material))
        badge = await create_badge_class(
            session, issuer, name="Explorateur numérique", description="A exploré les outils.",
            criteria="Participer à l'atelier.", image=png_bytes(), now=now,
        )
        event = await create_event(
            session, issuer, name="Journée des badges", starts_at=now - timedelta(hours=2),
            ends_at=now + timedelta(hours=6), place="Poitiers", now=now,
        )
    return World(issuer, badge, event)


@pytest.fixture
async def world(db: Database, now: datetime) -> World:
    return await make_world(db, now)
