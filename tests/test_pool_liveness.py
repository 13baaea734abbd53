"""PostgreSQL connections are tried only after sitting idle (storage/db.py): a restart or a
failover while the bot was quiet costs nobody an answer, and a busy bot pays no round trip
for it at every unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from drills.outage import Relay
from storage import db as storage_db
from storage.db import Database, open_database
from tests.conftest import BACKENDS

pytestmark = pytest.mark.parametrize("database_url", [BACKENDS[1]], indirect=True)


@pytest.fixture
async def relayed(database_url: str) -> AsyncIterator[tuple[Relay, Database]]:
    """A database reached through a relay that can cut its connections."""
    target = make_url(database_url)
    async with Relay(target.port or 5432) as relay:
        url = target.set(port=relay.port).render_as_string(hide_password=False)
        database = open_database(url)
        try:
            yield relay, database
        finally:
            await database.dispose()


async def one(database: Database) -> int:
    async with database.sessionmaker() as session:
        return int(await session.scalar(text("SELECT 1")) or 0)


async def test_a_connection_cut_while_idle_is_replaced_before_anyone_uses_it(
    relayed: tuple[Relay, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    relay, database = relayed
    assert await one(database) == 1
    relay.cut()  # the database restarted while the bot was quiet
    monkeypatch.setattr(storage_db, "IDLE_PING_SECONDS", 0.0)  # long enough ago
    assert await one(database) == 1  # tried, found dead, replaced: no error for anyone


async def test_a_connection_handed_back_moments_ago_is_not_tried_again(
    relayed: tuple[Relay, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, database = relayed
    pings: list[object] = []
    dialect = database.engine.sync_engine.dialect
    real_ping = dialect.do_ping

    def counted(connection: Any) -> bool:
        pings.append(connection)
        return real_ping(connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    for _ in range(5):
        assert await one(database) == 1
    assert pings == []
