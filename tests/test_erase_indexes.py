"""/forget's and retention's deletes follow an index, never a scan of a whole table (#17 5a).

Measured on a 2M-row ledger: 1,031 ms to delete one peer's deliveries by session with no
index, 0.7 ms with one. The test captures the very statements the services run, then asks
PostgreSQL for each one's plan with sequential scans priced out of reach: a plan that still
scans a table has no index to use.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from bot.services import privacy
from storage.db import Database, open_database
from storage.models import Delivery, Invitation, Role
from storage.uow import UnitOfWork
from tests import factories
from tests.conftest import PG_URL, _truncate_all

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.skipif(not PG_URL, reason="set TEST_DATABASE_URL to a PostgreSQL database"),
]
NOW = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
PEER_TG = 5001
# The tables whose foreign keys migration 0004 indexed.
LEDGER_TABLES = ("deliveries", "people", "invitations")


@pytest.fixture
def database_url(pg_migrated: str) -> Iterator[str]:
    """PostgreSQL only: a plan is PostgreSQL's answer (SQLite has no EXPLAIN like it)."""
    yield pg_migrated

    async def clean() -> None:
        db = open_database(pg_migrated)
        await _truncate_all(db)
        await db.dispose()

    asyncio.run(clean())


@contextmanager
def deletes_run(db: Database) -> Iterator[list[tuple[str, Any]]]:
    """The DELETE statements (with their parameters) run on `db` inside the block."""
    seen: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("DELETE"):
            seen.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", note)


async def scanned_tables(db: Database, statements: list[tuple[str, Any]]) -> set[str]:
    """The ledger tables some statement's plan reads from start to end."""
    scanned: set[str] = set()
    async with db.engine.connect() as conn:
        await conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in statements:
            rows = await conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            plan = "\n".join(row[0] for row in rows)
            scanned |= set(re.findall(r"Seq Scan on (\w+)", plan)) & set(LEDGER_TABLES)
        await conn.rollback()
    return scanned


async def a_peer_with_a_ledger(db: Database) -> None:
    """A peer, invited, with a session, its deliveries, and an invitation they made use of."""
    async with UnitOfWork(db) as uow:
        coordinator = await factories.person(uow, Role.COORDINATOR, "Cora", telegram_id=1, now=NOW)
        worker = await factories.person(uow, Role.WORKER, "Wyn", telegram_id=2, now=NOW)
        peer = await factories.person(
            uow, Role.PEER, "Pat", telegram_id=PEER_TG, now=NOW, invited_by_id=worker.id
        )
        uow.session.add(
            Invitation(
                token_hash="0" * 64,
                role=Role.PEER,
                invited_by_id=worker.id,
                person_id=peer.id,
                created_at=NOW,
                expires_at=NOW + timedelta(days=7),
            )
        )
        programme = await factories.programme(uow, peer, worker, now=NOW - timedelta(days=400))
        session = await factories.session(uow, programme, NOW + timedelta(days=1), now=NOW)
        for kind, recipient in (("reminder_hour_before", peer), ("summary", worker)):
            uow.session.add(
                Delivery(
                    key=f"{kind}:{session.id}:1",
                    kind=kind,
                    recipient_id=recipient.id,
                    session_id=session.id,
                    due_at=NOW + timedelta(hours=20),
                    attempts=0,
                )
            )
        assert coordinator.id
        await uow.commit()


async def test_forgetting_a_peer_deletes_through_indexes_only(db: Database) -> None:
    await a_peer_with_a_ledger(db)
    with deletes_run(db) as statements:
        async with UnitOfWork(db) as uow:
            await privacy.forget(uow, PEER_TG, now=NOW)
    assert any("deliveries" in s for s, _ in statements)
    assert await scanned_tables(db, statements) == set()


async def test_retention_deletes_through_indexes_only(db: Database) -> None:
    await a_peer_with_a_ledger(db)
    async with UnitOfWork(db) as uow:
        for programme, _worker in await uow.privacy.programmes_of_peer(
            (await uow.people.by_telegram_id(PEER_TG)).id  # type: ignore[union-attr]
        ):
            programme.ended_at = NOW - timedelta(days=200)
        await uow.commit()
    with deletes_run(db) as statements:
        async with UnitOfWork(db) as uow:
            erased = await privacy.erase_expired(uow, now=NOW, retention_days=180)
    assert erased
    assert any("deliveries" in s for s, _ in statements)
    assert await scanned_tables(db, statements) == set()
