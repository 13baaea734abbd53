"""Shared fixtures: a real database per test (SQLite, and PostgreSQL when asked), a clock.

The PostgreSQL run is chosen with TEST_DATABASE_URL (e.g.
postgresql+asyncpg://postgres@127.0.0.1:5432/peerbot_test); without it those tests skip.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import Database, open_database
from storage.migrate import upgrade
from storage.models import Base

PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgresql,
            pytest.mark.skipif(
                not PG_URL, reason="set TEST_DATABASE_URL to a PostgreSQL database to run these"
            ),
        ],
    ),
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: runs against TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is much faster)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_migrated() -> str:
    """TEST_DATABASE_URL emptied and migrated once for the whole run."""

    async def reset() -> None:
        db = open_database(PG_URL)
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await db.dispose()

    asyncio.run(reset())
    upgrade(PG_URL)
    return PG_URL


async def _truncate_all(db: Database) -> None:
    names = ", ".join(table.name for table in Base.metadata.sorted_tables)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a migrated, empty database of the parametrised backend."""
    if request.param == "sqlite":
        path = tmp_path / "peerbot.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_migrated")
        yield url

        async def clean() -> None:
            db = open_database(url)
            await _truncate_all(db)
            await db.dispose()

        asyncio.run(clean())


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = open_database(database_url)
    yield database
    await database.dispose()


@dataclass
class Clock:
    """A clock the test moves by hand; starts at the real time unless told otherwise."""

    current: datetime

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current

    def set(self, when: datetime) -> None:
        self.current = when.astimezone(UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def bot(database_url: str, clock: Clock) -> AsyncIterator[object]:
    """The real bot, polling our local Bot API server, on a fresh database."""
    from tests.harness import running_bot

    async with running_bot(database_url, clock) as harness:
        yield harness


@pytest.fixture
async def s(db: Database) -> AsyncIterator[object]:
    """The lone-working check-in tests' world (tests/safety_world.py) on a fresh database."""
    from tests.safety_world import safety_world

    async with safety_world(db) as world:
        yield world
