"""Due reminders cost a constant number of planning statements (#17 point 2), and each
send's result is one statement of its own, written before its slot takes the next
message, while every reminder goes out exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, func, select

from bot.localapi import LocalBotApi
from bot.metrics import REGISTRY
from storage.db import Database
from storage.models import Base, Delivery
from storage.uow import UnitOfWork
from tests.deliveries_world import World, local_bot, seed_due_reminders

NOW = datetime(2026, 6, 10, 9, tzinfo=UTC)


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Every statement sent to `db` inside the block (an executemany counts once)."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(db.engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", note)


async def planning_statements(db: Database, n: int) -> int:
    await seed_due_reminders(db, n, NOW)
    async with LocalBotApi() as api, local_bot(api) as bot:
        engine = World(db, api, bot, None, None, None, 0).engine()  # type: ignore[arg-type]
        with statements(db) as seen:
            planned, _ = await engine.plan(NOW)
    assert planned == n
    return len(seen)


async def test_planning_1000_due_reminders_costs_what_planning_10_does(db: Database) -> None:
    few = await planning_statements(db, 10)
    async with UnitOfWork(db) as uow:  # an empty database again
        for table in reversed(Base.metadata.sorted_tables):
            await uow.session.execute(table.delete())
        await uow.commit()
    many = await planning_statements(db, 1000)
    print(f"planning: {few} statements for 10 due reminders, {many} for 1,000")
    assert many == few


def finished(kind: str, outcome: str) -> float:
    """What /metrics says of deliveries of `kind` that ended in `outcome`."""
    value = REGISTRY.get_sample_value(
        "peerbot_deliveries_total", {"kind": kind, "outcome": outcome}
    )
    return value or 0.0


async def test_1000_sends_each_write_one_statement_and_go_out_exactly_once(db: Database) -> None:
    await seed_due_reminders(db, 1000, NOW)
    before = finished("reminder_hour_before", "sent")
    async with LocalBotApi() as api, local_bot(api) as bot:
        world = World(db, api, bot, None, None, None, 0)  # type: ignore[arg-type]
        engine = world.engine(batch=200)
        await engine.plan(NOW)
        with statements(db) as seen:
            counts = await engine.send_due(NOW)
        chats = [c.chat_id for c in api.calls_to("sendMessage") if c.status == 200]
        held = db.engine.pool.checkedout()  # type: ignore[attr-defined]
    assert counts["sent"] == 1000
    assert len(chats) == 1000 and len(set(chats)) == 1000
    assert held == 0  # the results' connection is given back when the sends are over
    async with UnitOfWork(db) as uow:
        stmt = select(Delivery.state, func.count()).group_by(Delivery.state)
        states = {state: n for state, n in await uow.session.execute(stmt)}
    assert states == {"sent": 1000}
    updates = seen.count("UPDATE")
    print(f"sending 1,000: {len(seen)} statements, {updates} updates")
    # One write a result, each durable before the next message of its slot (SPEC §7's
    # crash promise), and nothing else written; per batch of 200, one claim and the three
    # reads of its check (the sixth claim finds nothing).
    assert updates == 1000
    assert len(seen) - updates == 6 + 5 * 3
    assert finished("reminder_hour_before", "sent") - before == 1000
