"""What each unit of work on the update path costs the bot's CPU, against a bare driver call.

    python bench/bench_units.py                       # SQLite (a temporary file)
    python bench/bench_units.py --reset \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/peerbot_bench

Every /next runs three units (the sender's read, the view of their next session, the note
of the keyboard sent) and every "I'll be there" tap runs three too (the sender, the
confirm, the note). This runs each of them in a loop, one at a time, on a database seeded
with one session for each of --peers peers, and prints the process's CPU time (user +
system) per unit: the median of five batches of --units. The anchor, measured in the same
run, is the driver's own `SELECT 1` on a pooled connection with no SQLAlchemy around it
(PostgreSQL: asyncpg's `fetchval`; SQLite: aiosqlite's `execute`); "× anchor" is each
unit's cost divided by it. Units marked "autocommit" are those the update path runs as
`UnitOfWork(autocommit=True)` (no transaction on PostgreSQL); the same unit in a
transaction is shown beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_database, database_arguments
from bot.services import session_views
from bot.services.caller import caller
from drills.common import FIRST_PEER, seed_due_reminders
from storage.db import Database, open_database
from storage.uow import UnitOfWork

CARD = [
    ("I'll be there", "ses:ok:1:1"),
    ("Rearrange", "ses:re:1:1"),
    ("Can't make it", "ses:ask:1:1"),
    ("Add to my calendar", "prv:cal"),
]


async def cpu_per_call(call: Callable[[int], Awaitable[object]], units: int) -> float:
    """Milliseconds of this process's CPU per call: the median of five batches."""
    for i in range(30):  # compiled statements cached, connections open
        await call(i)
    batches = []
    for _ in range(5):
        start = time.process_time()
        for i in range(units):
            await call(i)
        batches.append((time.process_time() - start) * 1000 / units)
    return statistics.median(batches)


def units_of(
    db: Database, peers: int, now: datetime
) -> dict[str, Callable[[int], Awaitable[object]]]:
    def chat(i: int) -> int:
        return FIRST_PEER + i % peers

    async def anchor(_i: int) -> object:
        async with db.engine.connect() as connection:
            raw = (await connection.get_raw_connection()).driver_connection
            if db.is_sqlite:
                cursor = await raw.execute("SELECT 1")  # type: ignore[union-attr]
                return await cursor.fetchone()
            return await raw.fetchval("SELECT 1")  # type: ignore[union-attr]

    def sender(autocommit: bool) -> Callable[[int], Awaitable[object]]:
        async def run(i: int) -> object:
            async with UnitOfWork(db, autocommit=autocommit) as uow:
                return await caller(uow, chat(i))

        return run

    def view(autocommit: bool) -> Callable[[int], Awaitable[object]]:
        async def run(i: int) -> object:
            async with UnitOfWork(db, autocommit=autocommit) as uow:
                return await session_views.next_session(uow, chat(i), now)

        return run

    def note(autocommit: bool) -> Callable[[int], Awaitable[object]]:
        async def run(i: int) -> object:
            async with UnitOfWork(db, autocommit=autocommit) as uow:
                await uow.keyboards.remember(chat(i), 5, CARD, now)
                await uow.commit()
            return None

        return run

    return {
        "anchor: the driver's SELECT 1": anchor,
        "sender's read, autocommit": sender(True),
        "sender's read, transaction": sender(False),
        "/next view, autocommit": view(True),
        "/next view, transaction": view(False),
        "keyboard note, autocommit": note(True),
        "keyboard note, transaction": note(False),
    }


async def run(url: str, peers: int, units: int) -> None:
    now = datetime.now(UTC)
    db = open_database(url)
    await seed_due_reminders(db, peers, now, starts_in=timedelta(hours=3))
    costs = {
        name: await cpu_per_call(call, units) for name, call in units_of(db, peers, now).items()
    }
    await db.dispose()
    anchor = next(iter(costs.values()))
    print(f"backend {url.split(':', 1)[0]}; {peers} peers, {units} units a batch")
    print(f"{'unit':<34}{'cpu ms':>9}{'× anchor':>10}")
    for name, cost in costs.items():
        print(f"{name:<34}{cost:>9.3f}{cost / anchor:>9.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    database_arguments(parser)
    parser.add_argument("--peers", type=int, default=500)
    parser.add_argument("--units", type=int, default=400)
    args = parser.parse_args()
    with bench_database(args) as url:
        asyncio.run(run(url, args.peers, args.units))


if __name__ == "__main__":
    main()
