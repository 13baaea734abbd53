"""What one scheduler tick costs when nothing is due: database time and the bot's CPU.

    python bench/seed_large.py --reset --database-url postgresql+asyncpg://…/peerbot_large
    python bench/bench_tick.py --database-url postgresql+asyncpg://…/peerbot_large

At seed_large's moment, the whole window of upcoming sessions is planned ahead once (the
sessions were written straight to the database), one tick sends what has fallen due (to a
local Bot API server), then --ticks ticks run 30 seconds apart with nothing new due. For
each: the time PostgreSQL spent on its statements (from the driver's call to its answer)
and the CPU the process used (time.process_time). A tick reconciles one slice of upcoming
sessions every couple of minutes (DeliveryEngine.reconcile_every); those ticks are also
reported on their own. Prints the medians and the ratio to the targets of issue #17
(< 5 ms of database time, < 2 ms of CPU). Reads and writes the ledger: run it on the
seeded database, then seed again for a clean run.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from seed_large import NOW

from bot.localapi import LocalBotApi
from scheduler.engine import DeliveryEngine
from scheduler.sending import Sender
from storage.db import Database, open_database
from tests.deliveries_world import local_bot

DB_TARGET_MS, CPU_TARGET_MS = 5.0, 2.0


@contextmanager
def database_time(db: Database) -> Iterator[list[float]]:
    """Seconds spent inside each statement run on `db` in the block."""
    spent: list[float] = []
    started: dict[int, float] = {}

    def before(_conn: Any, cursor: Any, *_: Any) -> None:
        started[id(cursor)] = time.perf_counter()

    def after(_conn: Any, cursor: Any, *_: Any) -> None:
        spent.append(time.perf_counter() - started.pop(id(cursor), time.perf_counter()))

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield spent
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


async def run(url: str, ticks: int) -> None:
    db = open_database(url)
    try:
        async with LocalBotApi() as api, local_bot(api) as bot:
            sender = Sender(bot)
            engine = DeliveryEngine(db, sender, owner="bench", default_timezone="Europe/London")
            # seed_large writes sessions straight to the database: plan the whole window
            # once, as a bot that has been running has it (each booking planned its own).
            started = time.perf_counter()
            await engine.plan(NOW)
            print(f"whole window planned ahead in {time.perf_counter() - started:.1f} s")
            first = await engine.tick(NOW)
            print(f"first tick: {dict(first)}")
            db_ms: list[float] = []
            cpu_ms: list[float] = []
            statements: list[int] = []
            slices: list[tuple[float, float]] = []  # ticks that reconciled a slice
            for k in range(1, ticks + 1):
                with database_time(db) as spent:
                    cpu = time.process_time()
                    counts = await engine.tick(NOW + timedelta(seconds=30 * k))
                    cpu_ms.append((time.process_time() - cpu) * 1000)
                db_ms.append(sum(spent) * 1000)
                statements.append(len(spent))
                if counts["reconciled"]:
                    slices.append((db_ms[-1], cpu_ms[-1]))
                assert counts["sent"] == 0, counts
    finally:
        await db.dispose()
    db_median, cpu_median = statistics.median(db_ms), statistics.median(cpu_ms)
    print(f"empty ticks        {ticks}, {statistics.median(statements):.0f} statements each")
    print(
        f"database time      {db_median:.1f} ms median "
        f"({db_median / DB_TARGET_MS:.1f}x the {DB_TARGET_MS:.0f} ms target)"
    )
    print(
        f"bot CPU            {cpu_median:.1f} ms median "
        f"({cpu_median / CPU_TARGET_MS:.1f}x the {CPU_TARGET_MS:.0f} ms target)"
    )
    if slices:
        print(
            f"of which {len(slices)} reconciled a slice: database "
            f"{statistics.median(d for d, _ in slices):.1f} ms, CPU "
            f"{statistics.median(c for _, c in slices):.1f} ms (medians of those)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="a database seed_large built")
    parser.add_argument("--ticks", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(run(args.database_url, args.ticks))


if __name__ == "__main__":
    main()
