"""Units of work that only read, or make one write: no transaction on PostgreSQL, and a
guard that refuses a second write anywhere (storage/uow.py, storage/db.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.db import Database
from storage.models import Role
from storage.uow import UnitOfWork
from tests import factories

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


async def in_transaction(uow: UnitOfWork) -> bool:
    """Whether the unit's PostgreSQL connection is inside a transaction now (asyncpg's word)."""
    connection = await uow.session.connection()
    raw = await connection.get_raw_connection()
    return bool(raw.driver_connection.is_in_transaction())  # type: ignore[union-attr]


async def test_a_reading_unit_sees_what_is_there_and_a_lone_write_is_kept(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        await factories.person(uow, Role.PEER, "Sam", telegram_id=501, now=NOW)
        await uow.commit()
    async with UnitOfWork(db, autocommit=True) as uow:
        row = await uow.people.caller(501)
        await uow.keyboards.remember(501, 7, [("I'll be there", "ses:ok:1:1")], NOW)
        await uow.commit()
    assert row is not None and row.here
    async with UnitOfWork(db) as uow:
        kept = await uow.keyboards.last(501)
    assert kept is not None and kept.message_id == 7


async def test_a_second_write_is_refused(db: Database) -> None:
    async with UnitOfWork(db, autocommit=True) as uow:
        await uow.keyboards.remember(501, 7, [("Yes", "x")], NOW)
        with pytest.raises(RuntimeError, match="one write at most"):
            await uow.keyboards.forget(501)
        await uow.commit()
    async with UnitOfWork(db) as uow:
        kept = await uow.keyboards.last(501)
    assert kept is not None and kept.message_id == 7  # the refused delete did not run


async def test_changed_objects_are_refused_and_not_kept(db: Database) -> None:
    async with UnitOfWork(db, autocommit=True) as uow:
        with pytest.raises(RuntimeError, match="changes no objects"):
            await factories.person(uow, Role.PEER, "Sam", telegram_id=501, now=NOW)
    async with UnitOfWork(db) as uow:
        assert await uow.people.by_telegram_id(501) is None


async def test_on_postgresql_only_the_ordinary_unit_holds_a_transaction(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite's autocommitting units keep their transaction")
    async with UnitOfWork(db) as uow:
        await uow.people.caller(501)
        assert await in_transaction(uow)
    async with UnitOfWork(db, autocommit=True) as uow:
        await uow.people.caller(501)
        await uow.keyboards.remember(501, 7, [("Yes", "x")], NOW)
        assert not await in_transaction(uow)
