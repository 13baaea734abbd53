"""Due reminders sent with the rate limiter on, against the local Bot API's flood limits.

    python bench/bench_rate_limit.py                    # SQLite (a temporary file)
    python bench/bench_rate_limit.py --count 900 --replies 5

Seeds N peers whose reminders fall due now, then one delivery engine claims, sends and
records them through the bot `peerbot run` builds (its RateLimiter), to a local Bot API
server in its own process that answers 429 over 30 new messages a second or one a second
in a chat, as Telegram does. Meanwhile a person's answer goes out every 1/--replies
seconds. Prints the deliveries' rate (target: within 5 % of 30/s), the 429s (target: none)
and how long the answers took.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import api_server, bench_database, database_arguments
from bot.app import build_application
from bot.config import Settings
from bot.localapi import LocalBotApi
from drills.common import seed_due_reminders
from scheduler.engine import DeliveryEngine
from scheduler.sending import Sender
from storage.db import open_database

NOW = datetime(2026, 6, 10, 9, tzinfo=UTC)

SERVER = """
import asyncio, json, sys
from bot.localapi import LocalBotApi

async def main():
    async with LocalBotApi() as api:
        api.limit_rate(per_second=30, per_chat_per_second=1)
        print(api.port, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        times = [c.at for c in api.calls_to("sendMessage") if c.status == 200
                 and c.chat_id >= 100000]
        print(json.dumps({"sent": len(times), "limited": api.limited,
                          "span": max(times) - min(times) if times else 0}), flush=True)

asyncio.run(main())
"""


async def replies(bot: object, every: float, stop: asyncio.Event, took: list[float]) -> None:
    chat = 0
    while not stop.is_set():
        chat += 1  # each answer to another person, as people come one by one
        started = time.perf_counter()
        await bot.send_message(chat, "your next session")  # type: ignore[attr-defined]
        took.append(time.perf_counter() - started)
        await asyncio.sleep(every)


async def run(url: str, n: int, per_second: float) -> None:
    db = open_database(url)
    try:
        async with api_server(SERVER) as server:
            await seed_due_reminders(db, n, NOW)
            base = server.base
            settings = Settings(
                telegram_bot_token=LocalBotApi().token,
                telegram_base_url=f"{base}/bot",
                telegram_base_file_url=f"{base}/file/bot",
                database_url=url,
            )
            app = build_application(settings, db)
            took: list[float] = []
            stop = asyncio.Event()
            async with app.bot as bot:
                engine = DeliveryEngine(
                    db, Sender(bot), owner="bench", default_timezone="Europe/London"
                )
                due = NOW + timedelta(minutes=1)
                answering = (
                    asyncio.create_task(replies(bot, 1 / per_second, stop, took))
                    if per_second
                    else None
                )
                started = time.perf_counter()
                counts = await engine.tick(due)
                elapsed = time.perf_counter() - started
                stop.set()
                if answering:
                    await answering
        seen = server.seen
    finally:
        await db.dispose()
    rate = (seen["sent"] - 1) / seen["span"] if seen["span"] else 0.0
    print(f"backend            {url.split(':', 1)[0]}")
    print(f"due reminders      {n}; engine counts {dict(counts)} in {elapsed:.1f}s")
    print(f"delivery rate      {rate:.1f}/s ({rate / 30:.3f} of 30/s), first to last send")
    print(f"429 from the API   {seen['limited']}")
    if took:
        cuts = statistics.quantiles(took, n=100) if len(took) > 1 else took * 99
        print(
            f"answers meanwhile  {len(took)}, p50 {cuts[49] * 1000:.1f} ms, "
            f"p99 {cuts[98] * 1000:.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    database_arguments(parser, reset=False)
    parser.add_argument("--count", type=int, default=900)
    parser.add_argument("--replies", type=float, default=5.0, help="answers a second meanwhile")
    args = parser.parse_args()
    if (args.database_url or "").startswith("postgresql"):
        raise SystemExit("SQLite only: the limiter, not the database, sets this pace")
    with bench_database(args) as url:
        asyncio.run(run(url, args.count, args.replies))


if __name__ == "__main__":
    main()
