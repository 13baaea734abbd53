"""The claim keeps to its limit on a freshly created PostgreSQL table (no statistics yet).

A table that has never been analysed is where PostgreSQL once chose a nested-loop semi
join that re-ran the locked `LIMIT` subquery per row: `claim(limit=200)` took all 2,000 due
rows, and one replica held the whole backlog under a lease sized for one batch.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.localapi import LocalBotApi
from bot.services import deliveries
from storage.db import Database, open_database
from storage.migrate import upgrade_engine
from storage.uow import UnitOfWork
from tests.conftest import PG_URL
from tests.deliveries_world import World, local_bot, seed_due_reminders

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(not PG_URL, reason="set TEST_DATABASE_URL to a PostgreSQL database"),
]

NOW = datetime(2026, 6, 10, 9, tzinfo=UTC)


@pytest.fixture
async def fresh_url() -> AsyncIterator[str]:
    """A new, migrated database whose tables were never analysed (autovacuum off)."""
    name = f"peerbot_fresh_{uuid.uuid4().hex[:8]}"
    admin = open_database(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.engine.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    db = open_database(url)
    try:
        await upgrade_engine(db.engine)
        async with db.engine.begin() as conn:
            await conn.execute(text("ALTER TABLE deliveries SET (autovacuum_enabled = false)"))
        await db.dispose()
        yield url
    finally:
        await db.dispose()
        async with admin.engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def never_analysed(db: Database) -> bool:
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT last_analyze, last_autoanalyze FROM pg_stat_user_tables "
                    "WHERE relname = 'deliveries'"
                )
            )
        ).one()
    return row == (None, None)


async def test_a_claim_of_200_takes_at_most_200_of_2000_due_on_a_fresh_table(
    fresh_url: str,
) -> None:
    db = open_database(fresh_url)
    try:
        await seed_due_reminders(db, 2000, NOW)
        async with UnitOfWork(db) as uow:
            planned, _ = await deliveries.plan(uow, now=NOW, default_timezone="Europe/London")
        assert planned == 2000
        assert await never_analysed(db)
        async with UnitOfWork(db) as uow:
            rows = await deliveries.claim(
                uow, owner="a", now=NOW, lease=timedelta(minutes=5), limit=200
            )
        assert len(rows) == 200
    finally:
        await db.dispose()


async def test_two_engines_split_a_backlog_on_a_fresh_table(fresh_url: str) -> None:
    first, second = open_database(fresh_url), open_database(fresh_url)
    try:
        await seed_due_reminders(first, 2000, NOW)
        async with UnitOfWork(first) as uow:
            await deliveries.plan(uow, now=NOW, default_timezone="Europe/London")
        assert await never_analysed(first)
        async with LocalBotApi() as api, local_bot(api) as bot:
            engines = [
                World(db, api, bot, None, None, None, 0).engine(name, batch=200)  # type: ignore[arg-type]
                for name, db in (("a", first), ("b", second))
            ]
            counts = await asyncio.gather(*(e.tick(NOW) for e in engines))
            chats = Counter(c.chat_id for c in api.calls_to("sendMessage") if c.status == 200)
        assert len(chats) == 2000 and set(chats.values()) == {1}  # every one, once
        sent = [c["sent"] for c in counts]
        assert sum(sent) == 2000
        assert all(0 < n <= 0.65 * 2000 for n in sent), sent
    finally:
        await first.dispose()
        await second.dispose()
