"""Alembic environment: runs on a connection we hand over, or on DATABASE_URL's engine."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.migrate import COMPARE_OPTIONS
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _foreign_keys_off(connection: Connection) -> None:
    """SQLite batch mode copies a table, drops the old one and renames the copy. With
    foreign keys on, dropping `people` would first delete its rows, and ON DELETE CASCADE
    would take every programme, session and strategy with them. The pragma is ignored
    inside a transaction that has written anything, so that case is refused."""
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    if connection.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(
            "SQLite foreign keys are still on (a transaction was already open): "
            "migrating now could cascade deletes; migrate on a fresh connection"
        )


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise RuntimeError(f"migration left rows with missing parents in {tables}")


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _foreign_keys_off(connection)
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table.
        render_as_batch=sqlite,
        **COMPARE_OPTIONS,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            _check_foreign_keys(connection)


async def _run_async(url: str) -> None:
    # A new engine, disposed at the end: the connection left with foreign keys off
    # goes with it.
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async(config.get_main_option("sqlalchemy.url") or ""))


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
