"""How many due reminders a second one process claims, sends and records.

    python bench/bench_deliveries.py                       # SQLite (a temporary file)
    python bench/bench_deliveries.py --reset \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/peerbot_bench

Seeds N peers (default 10,000), each with a session in an hour and "an hour before"
chosen, then, in each of --rounds rounds: sends the same N reminders through the same
Sender with no database at all (the bare figure), and runs one delivery engine at the
moment they fall due: it plans the ledger rows, claims, sends (to a local Bot API server
in its own process, PTB's rate limiter off, as Telegram would otherwise hold it to ~30 a
second) and records each result right after its send. Prints the engine's sends per
second as a ratio to the bare sends (medians), and checks that every run sent every
reminder exactly once.
PostgreSQL: --reset empties the given database first (DROP SCHEMA public): never point it
at a database you want to keep.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select
from telegram import Bot

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import api_server, bench_database, database_arguments
from bot.localapi import LocalBotApi
from bot.services.deliveries import Due, SessionFacts
from bot.services.delivery_plan import WATERMARK
from bot.services.delivery_times import REMINDER_HOUR_BEFORE
from drills.common import FIRST_PEER, seed_due_reminders
from scheduler.content import parts_for
from scheduler.engine import DeliveryEngine
from scheduler.sending import Sender
from storage.db import Database, open_database
from storage.models import BotInfo, Delivery
from storage.uow import UnitOfWork

NOW = datetime(2026, 6, 10, 9, tzinfo=UTC)


SERVER = """
import asyncio, collections, json, sys
from bot.localapi import LocalBotApi

async def main():
    async with LocalBotApi() as api:
        print(api.port, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        chats = [c.chat_id for c in api.calls_to("sendMessage") if c.status == 200]
        print(json.dumps({"sent": len(chats), "chats": len(set(chats))}), flush=True)

asyncio.run(main())
"""


async def bare_sends(db: Database, sender: Sender, n: int, concurrency: int) -> float:
    """The same reminders through the same Sender with no database: seconds taken."""
    facts = SessionFacts(
        1, 1, NOW + timedelta(hours=1), 60, "Community room", "scheduled", "P", "W"
    )
    due = Due(0, REMINDER_HOUR_BEFORE, "k", NOW, 0, 0, "Europe/London", facts)
    slots = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with slots:
            parts = await parts_for(db, due, NOW)  # a reminder renders without the database
            await sender.send(FIRST_PEER + i, parts)

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    return time.perf_counter() - started


async def engine_run(
    db: Database, bot: Bot, n: int, batch: int, concurrency: int
) -> tuple[float, float, int, dict[str, int]]:
    """Plan, claim, send and record the n due reminders afresh: (plan s, send s, sent, ledger)."""
    async with UnitOfWork(db) as uow:  # the same reminders fall due again, as new rows
        await uow.session.execute(delete(Delivery))
        await uow.session.execute(delete(BotInfo).where(BotInfo.name == WATERMARK))
        await uow.commit()
    engine = DeliveryEngine(
        db,
        Sender(bot),
        owner="bench",
        default_timezone="Europe/London",
        batch=batch,
        concurrency=concurrency,
    )
    due = NOW + timedelta(minutes=1)
    started = time.perf_counter()
    await engine.plan(due)
    planned_in = time.perf_counter() - started
    started = time.perf_counter()
    counts = await engine.send_due(due)
    sent_in = time.perf_counter() - started
    async with UnitOfWork(db) as uow:
        stmt = select(Delivery.state, func.count()).group_by(Delivery.state)
        states = {state: int(count) for state, count in await uow.session.execute(stmt)}
    return planned_in, sent_in, counts["sent"], states


async def run(url: str, n: int, batch: int, concurrency: int, rounds: int) -> None:
    db = open_database(url)
    engine = "the delivery engine"
    times: dict[str, list[float]] = {"bare": [], engine: []}
    ok, warm = True, 0
    try:
        async with api_server(SERVER) as server:
            await seed_due_reminders(db, n, NOW)
            base = server.base
            bot = Bot(LocalBotApi().token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot")
            async with bot:
                warm = min(n, 200)
                await bare_sends(db, Sender(bot), warm, concurrency)  # warm the connections
                # Interleaved rounds: the shared machine's load falls on every mode alike.
                for _ in range(rounds):
                    times["bare"].append(await bare_sends(db, Sender(bot), n, concurrency))
                    plan_s, send_s, sent, states = await engine_run(db, bot, n, batch, concurrency)
                    times[engine].append(send_s)
                    ok = ok and sent == n and states == {"sent": n}
                    print(f"  {engine}: planned in {plan_s:.2f}s, sent {sent} in {send_s:.2f}s")
        seen = server.seen
    finally:
        await db.dispose()
    backend = url.split(":", 1)[0]
    print(f"backend            {backend}")
    print(f"due reminders      {n} x {rounds} rounds, batch {batch}, concurrency {concurrency}")
    bare = statistics.median(times["bare"])
    print(f"bare HTTP sends    {n / bare:,.0f}/s (median)")
    took = statistics.median(times[engine])
    print(f"{engine:<18} {n / took:,.0f}/s = {bare / took:.2f}x the bare sends (median)")
    runs = rounds * 2
    once = ok and seen == {"sent": n * runs + warm, "chats": n}
    print(f"each sent once a run {once}")
    if not once:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    database_arguments(parser)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with bench_database(args) as url:
        asyncio.run(run(url, args.count, args.batch, args.concurrency, args.rounds))


if __name__ == "__main__":
    main()
