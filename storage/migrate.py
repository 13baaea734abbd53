"""Database migrations (Alembic), from the CLI or from inside a running event loop."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, Column, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def _json_default_differs(
    context: MigrationContext,
    inspected_column: Column[Any],
    metadata_column: Column[Any],
    inspected_default: str | None,
    metadata_default: Any,
    rendered_metadata_default: str | None,
) -> bool | None:
    """Compare a JSON column's default as text: PostgreSQL has no `json = json`, so
    Alembic's own comparison (a SELECT on the server) fails there. None: Alembic decides."""
    if not isinstance(metadata_column.type, JSON):
        return None

    def bare(sql: str | None) -> str | None:
        return None if sql is None else re.sub(r"::jsonb?$", "", sql.strip("()"))

    return bare(inspected_default) != bare(rendered_metadata_default)


# How the models are compared with a database: by env.py for autogenerate, and by
# differences() below (what the tests and CI check).
COMPARE_OPTIONS: dict[str, Any] = {
    "compare_type": True,
    "compare_server_default": _json_default_differs,
}


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        # ConfigParser interpolation would read '%' in a password as a placeholder.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


# The key of the PostgreSQL advisory lock that migrations hold (any constant bigint that
# nothing else in the database uses; this one is "peerbot" in ASCII).
MIGRATION_LOCK_KEY = 0x70656572626F74


def upgrade(url: str, revision: str = "head") -> None:
    """Apply pending migrations to the database at `url` (starts its own event loop)."""

    async def _upgrade() -> None:
        engine = create_engine(url)
        try:
            await upgrade_engine(engine, revision)
        finally:
            await engine.dispose()

    asyncio.run(_upgrade())


async def upgrade_engine(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply pending migrations through an engine, from inside a running event loop.

    On PostgreSQL the whole upgrade runs in one transaction holding an advisory lock, so
    replicas that start at once migrate one after the other: the first applies what is
    pending, the others wait for its commit, then find the schema at head and do nothing.
    The lock goes with the transaction (commit, rollback or a lost connection)."""

    def _upgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.connect() as connection:
        try:
            if connection.dialect.name == "postgresql":
                # Taken first: Alembic then runs inside this transaction and reads the
                # version table only once the lock is held.
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
            await connection.run_sync(_upgrade)
            await connection.commit()
        finally:
            if connection.dialect.name == "sqlite":
                # env.py switched foreign keys off on this connection, and SQLite cannot
                # switch them back on until the transaction is over: rather than let the
                # pool hand it to the bot like that, drop it (a new one gets them on).
                await connection.invalidate()


def differences(connection: Connection) -> list[Any]:
    """What `alembic check` would report: the models against the migrated database."""
    from storage.models import Base

    context = MigrationContext.configure(connection, opts=COMPARE_OPTIONS)
    return compare_metadata(context, Base.metadata)


async def is_current(engine: AsyncEngine) -> bool:
    """Whether the database is at the newest migration."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()

    def _current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(_current) == head
