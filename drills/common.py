"""What the drills share: a throw-away PostgreSQL database, due reminders, `peerbot run`."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.localapi import LocalBotApi
from storage.db import Database, open_database
from storage.migrate import upgrade
from storage.models import PeerSession, Person, Programme, ReminderPrefs
from storage.uow import UnitOfWork

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"
FIRST_PEER = 100_000  # peers' Telegram ids are FIRST_PEER, FIRST_PEER + 1, ...


# Reminders are not sent in the night (quiet hours): the peers live where it is day now.
ZONES = ("Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Kolkata", "Asia/Tokyo")


def daytime_zone(now: datetime) -> str:
    """A time zone where it is nearest to 13:00 at `now`."""
    return min(ZONES, key=lambda z: abs(now.astimezone(ZoneInfo(z)).hour + 0.5 - 13))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def drill_database(name: str, server: str = SERVER) -> AsyncIterator[str]:
    """A fresh database `peerbot_drill_<name>_<pid>` at the current schema; dropped after."""
    db_name = f"peerbot_drill_{name}_{os.getpid()}"
    admin = create_async_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}"'))
            await conn.execute(text(f'CREATE DATABASE "{db_name}"'))
        url = f"{server}/{db_name}"
        await asyncio.to_thread(upgrade, url)
        try:
            yield url
        finally:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


async def seed_due_reminders(
    db: Database,
    n: int,
    now: datetime,
    *,
    zone: str = "Europe/London",
    starts_in: timedelta = timedelta(hours=1),
) -> None:
    """`n` peers in `zone`, each with a session `starts_in` after `now` and "an hour before"
    chosen: with the default, every peer's reminder falls due at `now`.

    The peer worker has not joined, so only the peers' reminders fall due: one message per
    peer, to chat FIRST_PEER + i. The bench, the drills and the delivery tests seed this.
    """
    async with UnitOfWork(db) as uow:
        worker = Person(
            role="worker", display_name="W", timezone=zone, created_at=now, paused=False
        )
        uow.people.add(worker)
        await uow.flush()
        for start in range(0, n, 1000):
            size = min(1000, n - start)
            peers = [
                {
                    "role": "peer",
                    "display_name": f"P{start + i}",
                    "telegram_id": FIRST_PEER + start + i,
                    "timezone": zone,
                    "created_at": now,
                    "joined_at": now,
                    "paused": False,
                }
                for i in range(size)
            ]
            ids = list(await uow.session.scalars(insert(Person).returning(Person.id), peers))
            programmes = list(
                await uow.session.scalars(
                    insert(Programme).returning(Programme.id),
                    [
                        {
                            "peer_id": p,
                            "worker_id": worker.id,
                            "planned_sessions": 10,
                            "state": "active",
                            "started_at": now,
                        }
                        for p in ids
                    ],
                )
            )
            await uow.session.execute(
                insert(PeerSession),
                [
                    {
                        "programme_id": p,
                        "starts_at": now + starts_in,
                        "duration_minutes": 60,
                        "place": "Room 2",
                        "state": "scheduled",
                        "version": 1,
                        "times_moved": 0,
                        "counts_against": False,
                        "created_at": now,
                    }
                    for p in programmes
                ],
            )
            await uow.session.execute(
                insert(ReminderPrefs),
                [
                    {"person_id": p, "hour_before": True, "day_before": False, "morning": False}
                    for p in ids
                ],
            )
        await uow.commit()


async def seed_due_now(db: Database, n: int, now: datetime | None = None) -> None:
    """seed_due_reminders by the real clock, for `peerbot run`, which takes no clock: each
    reminder is due a minute ago when the bot starts, where it is day now (quiet hours)."""
    now = now or datetime.now(UTC)
    await seed_due_reminders(db, n, now, zone=daytime_zone(now), starts_in=timedelta(minutes=59))


def received(api: LocalBotApi, n: int) -> Counter[int]:
    """How many times each peer's chat got a message (200 answers only)."""
    chats = [c.chat_id for c in api.calls_to("sendMessage") if c.status == 200]
    return Counter(c for c in chats if c is not None and FIRST_PEER <= c < FIRST_PEER + n)


def lost_and_duplicates(got: Counter[int], n: int) -> tuple[int, int]:
    """Of `n` reminders, as `received` counts them: how many never came, how many came again."""
    return n - len(got), sum(c - 1 for c in got.values())


def verdict(drill: str, ok: bool, **figures: object) -> int:
    """Print the drill's one line, `drill: name=value ... OK` (or FAIL); its exit code."""
    shown = " ".join(f"{name}={value}" for name, value in figures.items())
    print(f"{drill}: {shown} {'OK' if ok else 'FAIL'}")
    return 0 if ok else 1


def peerbot_env(api: LocalBotApi, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK_", "TELEGRAM_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=api.token,
        TELEGRAM_BASE_URL=api.base_url,
        TELEGRAM_BASE_FILE_URL=api.base_file_url,
        DATABASE_URL=database_url,
        SCHEDULER_TICK_SECONDS="1",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def start_peerbot(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`peerbot run` in its own process (no .env read), its output appended to `log`."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "--env-file", os.devnull, "run"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def stop_peerbot(child: subprocess.Popen[bytes]) -> None:
    """Terminate `peerbot run` and wait for it to exit (in a thread: the loop runs on)."""
    child.terminate()
    await asyncio.to_thread(child.wait)


async def until(predicate: Callable[[], bool], seconds: float) -> bool:
    """Whether `predicate` came true within `seconds` (looked at every 50 ms)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return False


async def start_and_kill(
    api: LocalBotApi, env: dict[str, str], log: Path, rng: random.Random
) -> int:
    """Start `peerbot run` and SIGKILL it at a random moment 0.5-4 s after it is up (it has
    reached the Bot API: its first long poll or a send); the dead process's pid."""
    before = len(api.calls)
    child = start_peerbot(env, log)
    await until(
        lambda: any(c.method in ("getUpdates", "sendMessage") for c in api.calls[before:]),
        60,
    )
    await asyncio.sleep(rng.uniform(0.5, 4.0))
    child.send_signal(signal.SIGKILL)
    await asyncio.to_thread(child.wait)
    return child.pid


def open_db(url: str) -> Database:
    return open_database(url)


@asynccontextmanager
async def reminder_burst(name: str, n: int) -> AsyncIterator[tuple[LocalBotApi, str, Database]]:
    """The local Bot API server and a fresh database (drill_database) with `n` reminders due
    now (seed_due_now): the server, the database's URL and a `Database` on it (disposed after).
    """
    async with LocalBotApi(port=free_port()) as api, drill_database(name) as url:
        db = open_db(url)
        try:
            await seed_due_now(db, n)
            yield api, url, db
        finally:
            await db.dispose()


def drill_arguments(doc: str, reminders: int) -> argparse.ArgumentParser:
    """The options of a drill of `peerbot run`: how many reminders, where its output goes."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--reminders", type=int, default=reminders)
    parser.add_argument(
        "--log", type=Path, help="keep peerbot's output here (default: a temp file)"
    )
    return parser


def run_drill(log: Path | None, drill: Callable[[Path], Coroutine[Any, Any, int]]) -> NoReturn:
    """Run `drill` with peerbot's log file (a temporary one unless given); exit with its code."""
    with tempfile.TemporaryDirectory() as folder:
        sys.exit(asyncio.run(drill(log or Path(folder) / "peerbot.log")))
