"""Time the coordinators' weekly digest for a big deployment, and count its SQL statements.

    python bench/bench_digest.py                      # SQLite (a temporary file)
    python bench/bench_digest.py --database-url postgresql+asyncpg://…/peerbot_bench

The PostgreSQL database (also BENCH_DATABASE_URL) is EMPTIED: its public schema is dropped
and migrated afresh. Give it a database of its own, never one that holds anything.

The data is a realistic deployment: each peer has a weekly session over ten weeks (seven
past, this one, two ahead), most held, some missed, cancelled or moved; some programmes
completed lately, some closed early (with a reason); some peers chose reminders. Each
programme came from a referral (matched one to six weeks before it started) and one
referral in fifty is still waiting; every ended programme has its ending answers; a peer
worker in five has lone-working check-ins for their sessions of the last fortnight, one
in fifty of which raised an alert. The digest is timed with its safety counts (SAFETY_CHECKINS
on). Rows go in by executemany, in batches.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event, insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.chart import digest_chart_png, flow_chart_png
from bot.exports.digest_csv import digest_csv
from bot.services.digest import build_digest
from storage.db import Database, open_database
from storage.migrate import upgrade
from storage.models import (
    EndingAnswers,
    PeerSession,
    Person,
    Programme,
    RearrangeRequest,
    Referral,
    ReminderPrefs,
    SafetyCheckin,
)
from storage.uow import UnitOfWork

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
BATCH = 5000
SOURCES = ("gp", "community_team", "other_service", "self")
CLOSE_REASONS = ("chose_to_stop", "moved_on", "no_contact", "other")


def deployment(workers: int, peers: int, seed: int) -> dict[Table, list[dict[str, Any]]]:
    """Rows for every table, with explicit ids so nothing needs reading back."""
    rng = random.Random(seed)
    people: list[dict[str, Any]] = []
    programmes: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    requests: list[dict[str, Any]] = []
    prefs: list[dict[str, Any]] = []
    referrals: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    checkins: list[dict[str, Any]] = []
    ids = iter(range(1, 10**9))

    def person(role: str, name: str) -> int:
        pid = next(ids)
        people.append(
            dict(
                id=pid, role=role, telegram_id=10_000 + pid, display_name=name,
                timezone="Europe/London", created_at=NOW - timedelta(days=90),
                joined_at=NOW - timedelta(days=90), paused=False,
            )
        )  # fmt: skip
        return pid

    person("coordinator", "Chris")
    worker_ids = [person("worker", f"Worker {w:04d}") for w in range(workers)]
    checking = set(worker_ids[::5])
    session_ids = iter(range(1, 10**9))
    for p in range(peers):
        worker = worker_ids[p % workers]
        peer = person("peer", f"Peer {p:05d}")
        roll = rng.random()
        state = "completed" if roll < 0.05 else "closed" if roll < 0.08 else "active"
        ended = state != "active"
        started = NOW - timedelta(weeks=8, days=rng.uniform(-3, 0))
        programmes.append(
            dict(
                id=p + 1, peer_id=peer, worker_id=worker, planned_sessions=10, state=state,
                started_at=started,
                ended_at=NOW - timedelta(days=rng.uniform(0, 21)) if ended else None,
                close_reason=rng.choice(CLOSE_REASONS) if state == "closed" else None,
            )
        )  # fmt: skip
        referred = started - timedelta(days=rng.uniform(7, 42))
        referrals.append(
            dict(
                first_name=f"Peer {p:05d}", source=rng.choice(SOURCES), state="matched",
                person_id=peer, programme_id=p + 1, created_at=referred,
                matched_at=started, version=2,
            )
        )  # fmt: skip
        if rng.random() < 0.02:
            referrals.append(
                dict(
                    first_name="Waiting", source="self", state="waiting", person_id=None,
                    programme_id=None, created_at=NOW - timedelta(days=rng.uniform(0, 40)),
                    matched_at=None, version=1,
                )
            )  # fmt: skip
        if ended:
            answers.append(
                dict(
                    programme_id=p + 1, helped=rng.randint(1, 5),
                    recommend=rng.choice(("yes", "yes", "not_sure", "no")),
                    comment="A private comment", asked_at=NOW - timedelta(days=1),
                    answered_at=NOW - timedelta(days=1),
                )
            )  # fmt: skip
        if rng.random() < 0.4:
            prefs.append(dict(person_id=peer, day_before=rng.random() < 0.6, hour_before=True))
        slot = timedelta(days=rng.randrange(7), hours=rng.choice((10, 11, 14, 15, 16)))
        for week in range(-7, 3):
            starts = NOW - timedelta(days=NOW.weekday(), hours=12) + timedelta(weeks=week) + slot
            sid = next(session_ids)
            row: dict[str, Any] = dict(
                id=sid, programme_id=p + 1, starts_at=starts, duration_minutes=60,
                place="Community room", state="scheduled", version=1, times_moved=0,
                counts_against=False, created_at=starts - timedelta(weeks=2),
                confirmed_at=None, outcome_at=None, cancelled_at=None, cancelled_by=None,
            )  # fmt: skip
            roll = rng.random()
            if starts < NOW:
                state = "held" if roll < 0.75 else "missed" if roll < 0.87 else "cancelled"
                row.update(state=state, outcome_at=starts + timedelta(hours=1))
                if state == "cancelled":
                    who = "peer" if rng.random() < 0.67 else "worker"
                    row.update(cancelled_at=starts - timedelta(days=1), cancelled_by=who)
            if rng.random() < 0.6 and row["state"] != "cancelled":
                row["confirmed_at"] = starts - timedelta(days=rng.uniform(0.1, 3))
            if rng.random() < 0.1:
                row.update(times_moved=1, version=2)
                requests.append(
                    dict(
                        session_id=sid, requested_by="peer", wish="Another day, please",
                        state="accepted", created_at=starts - timedelta(days=3),
                        resolved_at=starts - timedelta(days=2),
                    )
                )  # fmt: skip
            sessions.append(row)
            if worker in checking and NOW - timedelta(weeks=2) <= starts < NOW:
                alerted = starts + timedelta(minutes=90) if rng.random() < 0.02 else None
                handled = alerted + timedelta(minutes=rng.uniform(1, 20)) if alerted else None
                checkins.append(
                    dict(
                        worker_id=worker, session_id=sid, kind="session", state="safe",
                        place="Community room", starts_at=starts,
                        ends_at=starts + timedelta(hours=1), alerted_at=alerted,
                        handled_at=handled, created_at=starts - timedelta(weeks=2), version=1,
                    )
                )  # fmt: skip
    return {
        Person.__table__: people,  # type: ignore[dict-item]
        Programme.__table__: programmes,  # type: ignore[dict-item]
        PeerSession.__table__: sessions,  # type: ignore[dict-item]
        RearrangeRequest.__table__: requests,  # type: ignore[dict-item]
        ReminderPrefs.__table__: prefs,  # type: ignore[dict-item]
        Referral.__table__: referrals,  # type: ignore[dict-item]
        EndingAnswers.__table__: answers,  # type: ignore[dict-item]
        SafetyCheckin.__table__: checkins,  # type: ignore[dict-item]
    }


def batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


async def fill(db: Database, data: dict[Table, list[dict[str, Any]]]) -> None:
    async with db.engine.begin() as conn:
        for table, rows in data.items():
            for chunk in batches(rows):
                await conn.execute(insert(table), chunk)  # executemany
    async with db.engine.begin() as conn:
        await conn.execute(text("ANALYZE"))


async def measure(db: Database, repeat: int) -> tuple[list[float], int, float, int]:
    """(timings in ms, statements per digest, csv+chart ms, workers in the digest)."""
    start, end = NOW - timedelta(days=7), NOW
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    timings: list[float] = []
    digest = None
    for i in range(repeat + 1):
        if i == 1:
            event.listen(db.engine.sync_engine, "before_cursor_execute", count)
        began = time.perf_counter()
        async with UnitOfWork(db) as uow:
            digest = await build_digest(uow, start=start, end=end, safety=True)
        if i:  # the first run warms the connection pool and caches
            timings.append((time.perf_counter() - began) * 1000)
    event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert digest is not None
    began = time.perf_counter()
    digest_csv(digest)
    digest_chart_png(digest)
    flow_chart_png(digest)
    files_ms = (time.perf_counter() - began) * 1000
    return timings, len(statements) // repeat, files_ms, len(digest.workers)


async def run(url: str, data: dict[Table, list[dict[str, Any]]], repeat: int) -> list[str]:
    db = open_database(url)
    try:
        if db.engine.dialect.name == "postgresql":
            async with db.engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
        await asyncio.to_thread(upgrade, url)
        began = time.perf_counter()
        await fill(db, data)
        load_s = time.perf_counter() - began
        timings, statements, files_ms, shown = await measure(db, repeat)
    finally:
        await db.dispose()
    return [
        db.engine.dialect.name,
        str(shown),
        f"{statements}",
        f"{statistics.median(timings):.0f}",
        f"{min(timings):.0f}",
        f"{max(timings):.0f}",
        f"{files_ms:.0f}",
        f"{load_s:.1f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--peers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="a PostgreSQL database of its own (it is emptied); SQLite always runs",
    )
    args = parser.parse_args()
    data = deployment(args.workers, args.peers, args.seed)
    sizes = ", ".join(f"{len(rows):,} {table.name}" for table, rows in data.items())
    print(f"Deployment: {sizes}; digest of the 7 days to {NOW:%Y-%m-%d %H:%M} UTC")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        results.append(asyncio.run(run(url, data, args.repeat)))
    if args.database_url:
        results.append(asyncio.run(run(args.database_url, data, args.repeat)))
    header = [
        "backend", "workers", "statements", "median ms", "min ms", "max ms",
        "csv+charts ms", "load s",
    ]  # fmt: skip
    widths = [max(len(h), *(len(r[i]) for r in results)) for i, h in enumerate(header)]
    for row in (header, *results):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
