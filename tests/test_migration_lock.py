"""Migrations hold a lock on PostgreSQL: replicas that start at once migrate one at a time.

Run on a blank database of its own beside TEST_DATABASE_URL's. The test holds the lock
itself while two `peerbot db upgrade` processes start, waits until both are queued on it
(so they truly start at once), then lets go: both must succeed, and the schema be at head
with one version row.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.db import create_engine
from storage.migrate import MIGRATION_LOCK_KEY, alembic_config, differences, upgrade_engine
from tests.conftest import PG_URL
from tests.test_cli import COMMAND, clean_env

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(not PG_URL, reason="set TEST_DATABASE_URL to a PostgreSQL database"),
]

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


async def _admin(sql: str) -> None:
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.exec_driver_sql(sql)
    await engine.dispose()


@pytest.fixture
async def blank_url() -> AsyncIterator[str]:
    url = make_url(PG_URL)
    name = f"{url.database}_lock"
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _at_head_once(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
            assert [row[0] for row in versions] == [HEAD]
            assert await conn.run_sync(differences) == []
    finally:
        await engine.dispose()


async def _waiting_on_the_lock(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            found = await conn.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    " AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())"
                )
            )
            return int(found or 0)
    finally:
        await engine.dispose()


async def test_two_replicas_upgrading_a_blank_database_at_once_both_succeed(
    blank_url: str,
) -> None:
    holder = create_engine(blank_url)
    processes: list[asyncio.subprocess.Process] = []
    try:
        async with holder.connect() as held:
            # The same lock the migrations take, held by the test (in a transaction).
            await held.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
            env = clean_env(DATABASE_URL=blank_url)
            for _ in range(2):
                processes.append(
                    await asyncio.create_subprocess_exec(
                        *COMMAND,
                        "db",
                        "upgrade",
                        env=env,
                        stdout=asyncio.subprocess.PIPE,
                        stderr=asyncio.subprocess.PIPE,
                    )
                )
            deadline = time.monotonic() + 60
            while await _waiting_on_the_lock(blank_url) < 2:
                assert time.monotonic() < deadline, "the two upgrades never both waited"
                assert all(p.returncode is None for p in processes), "an upgrade ended early"
                await asyncio.sleep(0.1)
            await held.rollback()  # lets them go, both at once
        results = [await asyncio.wait_for(p.communicate(), timeout=120) for p in processes]
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
        await holder.dispose()
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err.decode()[-2000:]
        assert "The database is up to date." in out.decode()
    await _at_head_once(blank_url)


async def test_two_upgrades_in_one_process_at_once_leave_the_schema_at_head_once(
    blank_url: str,
) -> None:
    engines = [create_engine(blank_url) for _ in range(2)]
    try:
        await asyncio.gather(*(upgrade_engine(engine) for engine in engines))
    finally:
        for engine in engines:
            await engine.dispose()
    await _at_head_once(blank_url)


async def test_the_lock_is_free_again_after_an_upgrade(blank_url: str) -> None:
    engine = create_engine(blank_url)
    try:
        await upgrade_engine(engine)
        async with engine.connect() as conn:
            taken = await conn.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
            assert taken is True
    finally:
        await engine.dispose()
