"""Build a large PostgreSQL database for the tick benchmark, in bulk, in the database itself.

    python bench/seed_large.py --reset \
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/peerbot_large

Defaults to issue #17's scale: 100,000 peers with 10 weekly sessions each (1,000,000
sessions), one peer worker to 20 peers, 20 coordinators, every peer with "an hour before"
chosen. Programmes started at random over two years, so only the recent ones still have
sessions ahead: a few thousand in the next three days, as in a service that has run a while.
Each table is one INSERT … SELECT FROM generate_series: minutes, not hours. --reset empties
the database first (DROP SCHEMA public): never point it at a database you want to keep.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import reset_postgresql
from storage.db import open_database
from storage.migrate import upgrade

NOW = datetime(2026, 6, 10, 9, 0, 30, tzinfo=UTC)
FIRST_PEER_TG = 1_000_000

STATEMENTS = [
    # Coordinators and peer workers: telegram ids 1.., people ids 1..coordinators+workers.
    """INSERT INTO people (role, display_name, telegram_id, timezone, created_at, joined_at,
                           paused)
       SELECT CASE WHEN i <= :coordinators THEN 'coordinator' ELSE 'worker' END,
              'Team ' || i, i, 'Europe/London', :now, :now, false
       FROM generate_series(1, :coordinators + :workers) AS i""",
    """INSERT INTO people (role, display_name, telegram_id, timezone, created_at, joined_at,
                           paused, invited_by_id)
       SELECT 'peer', 'Peer ' || i, :first_peer + i, 'Europe/London', :now, :now, false,
              :coordinators + 1 + (i % :workers)
       FROM generate_series(1, :peers) AS i""",
    """INSERT INTO programmes (peer_id, worker_id, planned_sessions, state, started_at)
       SELECT p.id, p.invited_by_id, :sessions_each, 'active',
              :now - (random() * 104 * 7) * interval '1 day'
       FROM people p WHERE p.role = 'peer'""",
    # Weekly at a working hour; past sessions held (with their outcome), later ones scheduled.
    """INSERT INTO sessions (programme_id, starts_at, duration_minutes, place, state, version,
                            times_moved, counts_against, outcome_at, created_at)
       SELECT g.id, g.starts_at, 60, 'Community room',
              CASE WHEN g.starts_at < :now THEN 'held' ELSE 'scheduled' END, 1, 0, false,
              CASE WHEN g.starts_at < :now THEN g.starts_at END, g.started_at
       FROM (SELECT pr.id, pr.started_at,
                    date_trunc('hour', pr.started_at) + (9 + pr.id % 8) * interval '1 hour'
                    + k * interval '7 days' AS starts_at
             FROM programmes pr, generate_series(1, :sessions_each) AS k) AS g""",
    """INSERT INTO reminder_prefs (person_id, day_before, day_before_at, morning, morning_at,
                                  hour_before, quiet_from, quiet_until, asked_at, updated_at)
       SELECT id, false, '18:00', false, '08:30', true, '21:00', '08:00', :now, :now
       FROM people WHERE role = 'peer'""",
    "ANALYZE",
]


async def seed(url: str, peers: int, sessions_each: int) -> None:
    db = open_database(url)
    values = {
        "now": NOW,
        "peers": peers,
        "workers": max(peers // 20, 1),
        "coordinators": 20,
        "sessions_each": sessions_each,
        "first_peer": FIRST_PEER_TG,
    }
    try:
        for statement in STATEMENTS:
            started = time.perf_counter()
            if statement == "ANALYZE":  # fresh statistics, or the planner guesses
                async with db.engine.connect() as conn:
                    await conn.execute(text(statement))
                    await conn.commit()
                continue
            async with db.engine.begin() as conn:
                used = {k: v for k, v in values.items() if f":{k}" in statement}
                for name in used:  # asyncpg needs to know each parameter's type
                    kind = "timestamptz" if name == "now" else "integer"
                    statement = statement.replace(f":{name}", f"CAST(:{name} AS {kind})")
                result = await conn.execute(text(statement), used)
            took = time.perf_counter() - started
            table = statement.split()[2]
            print(f"{table:<16} {result.rowcount:>10,} rows in {took:.1f}s", flush=True)
        async with db.engine.connect() as conn:
            ahead = await conn.scalar(
                text(
                    "SELECT count(*) FROM sessions WHERE starts_at > CAST(:now AS timestamptz)"
                    " AND starts_at <= CAST(:now AS timestamptz) + interval '3 days'"
                ),
                {"now": NOW},
            )
        print(f"sessions in the next three days: {ahead:,}")
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database")
    parser.add_argument("--reset", action="store_true", help="empty the database first")
    parser.add_argument("--peers", type=int, default=100_000)
    parser.add_argument("--sessions-each", type=int, default=10)
    args = parser.parse_args()
    if not args.reset:
        raise SystemExit("pass --reset: the seed empties the database first")
    asyncio.run(reset_postgresql(args.database_url))
    upgrade(args.database_url)
    asyncio.run(seed(args.database_url, args.peers, args.sessions_each))


if __name__ == "__main__":
    main()
