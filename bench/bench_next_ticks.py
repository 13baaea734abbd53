"""/next's latency while the scheduler ticks: a 1,000,000-session database against a small one.

    python bench/bench_next_ticks.py --seed \\
        --large-url postgresql+asyncpg://postgres@127.0.0.1:5432/peerbot_tick_large \\
        --small-url postgresql+asyncpg://postgres@127.0.0.1:5432/peerbot_tick_small

Both databases are built by seed_large (--seed rebuilds them first: DROP SCHEMA public,
never point it at a database you want to keep): the large one at issue #17's scale
(100,000 peers, 1,000,000 sessions), the small one with --small-peers (default 1,000
peers, 10,000 sessions), at the same moment. For each in turn, the real Application that
`peerbot run` builds runs in its own process against a local Bot API server (in this
process, which also plays the peers), with its clock at seed_large's moment and moving in
real time, and the scheduler ticking every --tick seconds (30 in production: 1 by
default here, thirty times the load). Once its first tick is over (the start's whole
reconciliation), peers who have a session ahead send `/next` paced at --rate a second for
--seconds. This runs --rounds times, small then large each time (so both see the same load of
a shared machine). It prints each run's p50 and p99 (from the update's arrival at the
server to the bot's answer), the ticks that ran meanwhile and their median and longest
wall time, then the median p99 of each database and the ratio large / small (issue #17's
target: within 1.5×). --tick 3600: no tick but the first, to tell the ticks' share. Each run writes
the ledger (planning, sends): --seed for a clean one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_updates import Driver, Phase
from seed_large import FIRST_PEER_TG, NOW, seed

from bench.common import reset_postgresql
from bot.localapi import LocalBotApi
from storage.db import open_database
from storage.migrate import upgrade

REAL = """
import asyncio, json, logging, statistics, sys, time
from datetime import datetime
import scheduler
from bot.app import build_application, start_app, stop_app
from bot.config import Settings
from bot.context import utc_now
from storage.db import open_database

# The first tick outlasts the 1 s interval: the skipped runs are expected, not news.
logging.getLogger("apscheduler").setLevel(logging.ERROR)
ticks = []
plain_tick = scheduler.tick

async def timed_tick(context):
    started = time.perf_counter()
    await plain_tick(context)
    ticks.append(time.perf_counter() - started)

scheduler.tick = timed_tick

async def main(token, base, url, at, every):
    settings = Settings(telegram_bot_token=token, telegram_base_url=base + "/bot",
                        telegram_base_file_url=base + "/file/bot", database_url=url,
                        scheduler_tick_seconds=int(every))
    start, real = datetime.fromisoformat(at), utc_now()
    db = open_database(url)
    app = build_application(settings, db, clock=lambda: start + (utc_now() - real))
    await start_app(app, settings)
    while not ticks:  # the first tick reconciles the whole window: not measured
        await asyncio.sleep(0.05)
    first = ticks[0]
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await stop_app(app)
    await db.dispose()
    later = ticks[1:]
    print(json.dumps({"first_tick_s": first, "ticks": len(later),
                      "tick_median_ms": 1000 * statistics.median(later) if later else 0.0,
                      "tick_max_ms": 1000 * max(later, default=0.0)}), flush=True)

asyncio.run(main(*sys.argv[1:6]))
"""


async def vacuum(url: str) -> None:
    """VACUUM ANALYZE a fresh seed, as autovacuum would have long since in a service that
    has run a while (else it starts during the first round, on the large one only)."""
    db = open_database(url, isolation_level="AUTOCOMMIT")
    try:
        async with db.engine.connect() as conn:
            await conn.execute(text("VACUUM ANALYZE"))
    finally:
        await db.dispose()


async def peers_with_a_session_ahead(url: str, limit: int) -> list[int]:
    db = open_database(url)
    try:
        async with db.engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT DISTINCT p.telegram_id FROM people p"
                    " JOIN programmes pr ON pr.peer_id = p.id"
                    " JOIN sessions s ON s.programme_id = pr.id"
                    " WHERE s.starts_at > CAST(:now AS timestamptz) AND s.state = 'scheduled'"
                    " ORDER BY p.telegram_id LIMIT CAST(:limit AS integer)"
                ),
                {"now": NOW, "limit": limit},
            )
            return [row[0] for row in rows]
    finally:
        await db.dispose()


async def run_one(
    api: LocalBotApi, url: str, peers: list[int], args: argparse.Namespace
) -> tuple[Phase, dict[str, Any]]:
    base = f"http://{api.host}:{api.port}"
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", REAL, api.token, base, url, NOW.isoformat(), str(args.tick),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        cwd=Path(__file__).parent.parent,
    )  # fmt: skip
    assert child.stdin and child.stdout
    try:
        line = await asyncio.wait_for(child.stdout.readline(), timeout=600)
        assert line.strip() == b"ready", line
        count = int(args.rate * args.seconds)
        chats = [peers[i % len(peers)] for i in range(count)]
        phase = await Driver(api).run("/next paced", chats, "next", args.rate)
    finally:
        child.stdin.close()
    ticks = json.loads(await child.stdout.readline())
    await child.wait()
    return phase, ticks


async def run(args: argparse.Namespace) -> None:
    sizes = {"small": (args.small_url, args.small_peers), "large": (args.large_url, 100_000)}
    if args.seed:
        for url, peers in sizes.values():
            await reset_postgresql(url)
            await asyncio.to_thread(upgrade, url)
            await seed(url, peers, 10)
            await vacuum(url)
    results: dict[str, list[tuple[Phase, dict[str, Any]]]] = {name: [] for name in sizes}
    async with LocalBotApi() as api:
        chats: dict[str, list[int]] = {}
        for name, (url, _) in sizes.items():
            chats[name] = await peers_with_a_session_ahead(url, args.peers)
            for chat in chats[name]:
                if chat not in api._users:
                    api.person(f"P{chat - FIRST_PEER_TG}", user_id=chat)
        for _ in range(args.rounds):  # small, large, small, large…: the same machine load
            for name, (url, _) in sizes.items():
                results[name].append(await run_one(api, url, chats[name], args))
    print(
        f"/next paced {args.rate:g}/s for {args.seconds:g} s, ticks every {args.tick} s "
        f"(bot clock from {NOW:%Y-%m-%d %H:%M} UTC), {args.rounds} round(s)"
    )
    print(
        f"{'round':<7}{'database':<10}{'p50 ms':>9}{'p99 ms':>9}{'ticks':>7}"
        f"{'tick ms':>9}{'max ms':>9}{'first s':>9}"
    )
    for k in range(args.rounds):
        for name in sizes:
            phase, ticks = results[name][k]
            print(
                f"{k + 1:<7}{name:<10}{phase.p50:>9.1f}{phase.p99:>9.1f}{ticks['ticks']:>7}"
                f"{ticks['tick_median_ms']:>9.1f}{ticks['tick_max_ms']:>9.1f}"
                f"{ticks['first_tick_s']:>9.1f}"
            )
    p99 = {name: statistics.median(p.p99 for p, _ in runs) for name, runs in results.items()}
    ratios = [
        large.p99 / small.p99
        for (small, _), (large, _) in zip(results["small"], results["large"], strict=True)
    ]
    ratio = p99["large"] / p99["small"]
    print(
        f"median p99: small {p99['small']:.1f} ms, large {p99['large']:.1f} ms; "
        f"large / small {ratio:.2f}x (target <= 1.5x); "
        f"per round {', '.join(f'{r:.2f}x' for r in ratios)}"
    )
    print(
        json.dumps(
            {
                "small_p99_ms": round(p99["small"], 1),
                "large_p99_ms": round(p99["large"], 1),
                "ratio": round(ratio, 2),
                "round_ratios": [round(r, 2) for r in ratios],
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--large-url", required=True, help="PostgreSQL, seed_large's scale")
    parser.add_argument("--small-url", required=True, help="PostgreSQL, a small seed")
    parser.add_argument("--seed", action="store_true", help="rebuild both databases first")
    parser.add_argument("--small-peers", type=int, default=1000)
    parser.add_argument("--peers", type=int, default=200, help="peers who send /next")
    parser.add_argument("--rate", type=float, default=20.0, help="/next a second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--tick", type=int, default=1, help="seconds between ticks")
    parser.add_argument("--rounds", type=int, default=3, help="small then large, this often")
    args = parser.parse_args()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
