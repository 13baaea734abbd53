"""How many due reminders a second one process claims, sends and records.

    python bench/bench_deliveries.py                       # SQLite (a temporary file)
    python bench/bench_deliveries.py --reset \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/peerbot_bench

Seeds N peers (default 10,000), each with a session in an hour and "an hour before"
chosen, then runs one delivery engine at the moment they fall due: it plans the ledger
rows, then claims, sends (to the local Bot API server in this process, PTB's rate limiter
off, as Telegram would otherwise hold it to ~30 a second) and records each one. Prints
the figures and checks that every reminder went out exactly once.
PostgreSQL: --reset empties the given database first (DROP SCHEMA public): never point it
at a database you want to keep.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from asyncio.subprocess import PIPE
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text
from telegram import Bot

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.localapi import LocalBotApi
from drills.common import seed_due_reminders
from scheduler.engine import DeliveryEngine
from scheduler.sending import Sender
from storage.db import open_database
from storage.migrate import upgrade
from storage.models import Delivery
from storage.uow import UnitOfWork

NOW = datetime(2026, 6, 10, 9, tzinfo=UTC)


async def reset_postgresql(url: str) -> None:
    db = open_database(url)
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await db.dispose()


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


async def run(url: str, n: int, batch: int, concurrency: int) -> None:
    db = open_database(url)
    # The local Bot API server runs in its own process, as Telegram would be elsewhere.
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SERVER, stdin=PIPE, stdout=PIPE, cwd=Path(__file__).parent.parent
    )
    assert server.stdin and server.stdout
    try:
        port = int(await server.stdout.readline())
        await seed_due_reminders(db, n, NOW)
        base = f"http://127.0.0.1:{port}"
        bot = Bot(LocalBotApi().token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot")
        async with bot:
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
            planned, _ = await engine.plan(due)
            planned_in = time.perf_counter() - started
            started = time.perf_counter()
            counts = await engine.send_due(due)
            sent_in = time.perf_counter() - started
        server.stdin.close()
        seen = json.loads(await server.stdout.readline())
        async with UnitOfWork(db) as uow:
            stmt = select(Delivery.state, func.count()).group_by(Delivery.state)
            states = dict((await uow.session.execute(stmt)).all())
    finally:
        if server.returncode is None and not server.stdin.is_closing():
            server.stdin.close()
        await server.wait()
        await db.dispose()
    backend = url.split(":", 1)[0]
    print(f"backend            {backend}")
    print(f"due reminders      {n}")
    sent = counts["sent"]
    print(f"planned            {planned} rows in {planned_in:.2f}s ({planned / planned_in:,.0f}/s)")
    print(f"claimed+sent+recorded {sent} in {sent_in:.2f}s ({sent / sent_in:,.0f}/s)")
    print(f"end to end         {(planned_in + sent_in):.2f}s ({n / (planned_in + sent_in):,.0f}/s)")
    print(f"ledger             {states}")
    once = seen == {"sent": n, "chats": n} and states == {"sent": n}
    print(f"each sent once     {once}")
    if not once:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--reset", action="store_true", help="PostgreSQL: empty the database first")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        if url.startswith("postgresql"):
            if not args.reset:
                raise SystemExit("PostgreSQL: pass --reset to empty the database for the benchmark")
            asyncio.run(reset_postgresql(url))
        upgrade(url)
        asyncio.run(run(url, args.count, args.batch, args.concurrency))


if __name__ == "__main__":
    main()
