"""A database outage in the middle of a batch (SPEC §7): the batch stops at the first
failure, the tick keeps running, and when the database is back everything is sent once."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from bot.localapi import LocalBotApi
from scheduler.engine import DeliveryEngine
from scheduler.sending import Part, Result, Sender
from storage.db import Database, open_database
from tests.deliveries_world import World, local_bot, seed_due_reminders

NOW = datetime(2026, 6, 10, 9, tzinfo=UTC)
N = 12


class Outage:
    """Every statement fails while `down`, as when the database server is away."""

    def __init__(self, db: Database) -> None:
        self.down = False
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._check)

    def _check(self, *args: Any) -> None:
        if self.down:
            raise OperationalError("(outage)", {}, ConnectionRefusedError("database is down"))


class FirstSendStartsTheOutage(Sender):
    def __init__(self, outage: Outage, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outage = outage
        self.fired = False

    async def send(self, chat_id: int, parts: list[Part]) -> Result:
        result = await super().send(chat_id, parts)
        if not self.fired:  # the database goes away right after Telegram's first answer
            self.fired, self.outage.down = True, True
        return result


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    await seed_due_reminders(db, N, NOW)
    async with LocalBotApi() as api, local_bot(api) as bot:
        yield World(db, api, bot, None, None, None, 0)  # type: ignore[arg-type]


def engine(world: World, sender: Sender, owner: str, concurrency: int) -> DeliveryEngine:
    return DeliveryEngine(
        world.db, sender, owner=owner, default_timezone="Europe/London", concurrency=concurrency
    )


def delivered(world: World) -> Counter[int]:
    return Counter(c.chat_id for c in world.api.calls_to("sendMessage") if c.status == 200)


async def states(world: World) -> Counter[str]:
    return Counter(str(row.state) for row in await world.ledger())


@pytest.mark.parametrize("concurrency", [1, 8])
async def test_an_outage_mid_batch_stops_the_batch_and_repeats_nothing_once_back(
    world: World, concurrency: int
) -> None:
    outage = Outage(world.db)
    sender = FirstSendStartsTheOutage(outage, world.bot, sleep=world.fake_sleep)
    running = engine(world, sender, "a", concurrency)
    await running.tick(NOW)
    # Only what was already in flight when the database went away reached Telegram.
    assert sum(delivered(world).values()) <= concurrency
    for minutes in (1, 2, 3):  # the outage lasts; the ticks go on without a crash
        counts = await running.tick(NOW + timedelta(minutes=minutes))
        assert counts["error"] == 0
    assert sum(delivered(world).values()) <= concurrency
    outage.down = False  # the database is back
    await running.tick(NOW + timedelta(minutes=4))
    assert len(delivered(world)) == N and set(delivered(world).values()) == {1}
    assert await states(world) == {"sent": N}


async def test_a_restart_during_the_outage_repeats_at_most_the_one_in_flight(
    world: World,
) -> None:
    outage = Outage(world.db)
    sender = FirstSendStartsTheOutage(outage, world.bot, sleep=world.fake_sleep)
    running = engine(world, sender, "a", 1)
    await running.tick(NOW)
    await running.tick(NOW + timedelta(minutes=1))
    assert sum(delivered(world).values()) == 1
    outage.down = False  # the database is back, but the process restarted and forgot
    restarted = engine(world, Sender(world.bot, sleep=world.fake_sleep), "b", 1)
    await restarted.tick(NOW + timedelta(minutes=6))  # after the lease
    chats = delivered(world)
    assert len(chats) == N
    assert sum(chats.values()) - N <= 1  # at most the message in flight, once more
    assert await states(world) == {"sent": N}


class FirstSendLosesTheServer(Sender):
    """After Telegram's first answer the engine's database is at an address nobody answers."""

    def __init__(self, engine: list[DeliveryEngine], dead: Database, *args: Any) -> None:
        super().__init__(*args)
        self.engine, self.dead, self.fired = engine, dead, False

    async def send(self, chat_id: int, parts: list[Part]) -> Result:
        result = await super().send(chat_id, parts)
        if not self.fired:
            self.fired, self.engine[0].db = True, self.dead
        return result


async def test_a_database_nobody_answers_stops_the_batch_and_it_catches_up(
    world: World, tmp_path: Any
) -> None:
    live = world.db
    url = "postgresql+asyncpg://postgres@127.0.0.1:1/gone"
    if live.is_sqlite:
        url = f"sqlite+aiosqlite:///{tmp_path}/no/such/dir/gone.db"
    dead = open_database(url)
    holder: list[DeliveryEngine] = []
    sender = FirstSendLosesTheServer(holder, dead, world.bot)
    holder.append(engine(world, sender, "a", 1))
    running = holder[0]
    try:
        await running.tick(NOW)
        await running.tick(NOW + timedelta(minutes=1))  # still away: no crash
        assert sum(delivered(world).values()) == 1
        running.db = live  # the database is back
        await running.tick(NOW + timedelta(minutes=2))
    finally:
        await dead.dispose()
    assert len(delivered(world)) == N and set(delivered(world).values()) == {1}
    assert await states(world) == {"sent": N}
