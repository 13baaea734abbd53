"""crash: `kill -9` of `peerbot run` during a burst of due reminders, restarted each time.

    python -m drills.crash [--reminders 2000] [--kills 15] [--seed N]

Seeds N due hour-before reminders in a fresh PostgreSQL database on 127.0.0.1
(peerbot_drill_crash_<pid>, dropped after), runs the local Bot API server in this process
and `peerbot run` (polling, SCHEDULER_TICK_SECONDS=1) as a child, and kills the child
with SIGKILL at a random moment 0.5-4 s after each start, restarting it, `--kills` times.
The last one runs until every reminder has arrived or the lease has run out with time to
spare. Prints one line; exits 1 when a promise fails (SPEC §7):
  lost 0 (each due reminder reached Telegram), duplicates <= kills (at most the messages in
  flight repeat), stranded <= one batch per kill (a process holds one claim at a time), and
  no reminder a dead process held waited longer than the lease (+60 s for the ticks and the
  30-a-second queue) from the kill to its arrival.
"""

from __future__ import annotations

import asyncio
import inspect
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from drills.common import (
    drill_arguments,
    lost_and_duplicates,
    peerbot_env,
    received,
    reminder_burst,
    run_drill,
    start_and_kill,
    start_peerbot,
    stop_peerbot,
    until,
    verdict,
)
from scheduler.engine import DeliveryEngine
from storage.db import Database
from storage.models import Delivery, Person
from storage.repositories.deliveries import CLAIMED
from storage.uow import UnitOfWork

_params = inspect.signature(DeliveryEngine.__init__).parameters
LEASE: timedelta = _params["lease"].default
BATCH: int = _params["batch"].default
SLACK = 60.0


@dataclass
class Kill:
    at: float  # time.monotonic()
    pid: int
    stranded: set[int]  # chats whose reminder the dead process still held


async def held_by(db: Database, pid: int) -> set[int]:
    """Chats of the deliveries claimed by process `pid` and not finished."""
    async with UnitOfWork(db) as uow:
        rows = await uow.session.scalars(
            select(Person.telegram_id)
            .join(Delivery, Delivery.recipient_id == Person.id)
            .where(Delivery.state == CLAIMED, Delivery.claimed_by.like(f"%:{pid}:%"))
        )
        return {r for r in rows if r is not None}


async def drill(n: int, kills: int, rng: random.Random, log: Path) -> int:
    async with reminder_burst("crash", n) as (api, url, db):
        env = peerbot_env(api, url)
        done: list[Kill] = []
        started = time.monotonic()
        for _ in range(kills):
            pid = await start_and_kill(api, env, log, rng)
            done.append(Kill(time.monotonic(), pid, await held_by(db, pid)))
        child = start_peerbot(env, log)
        try:
            await until(lambda: len(received(api, n)) == n, LEASE.total_seconds() + SLACK + 30)
            await asyncio.sleep(3)  # room for a late duplicate to show
        finally:
            await stop_peerbot(child)
        elapsed = time.monotonic() - started
    got = received(api, n)
    arrivals: dict[int, list[float]] = {}
    for call in api.calls_to("sendMessage"):
        if call.status == 200 and call.chat_id is not None:
            arrivals.setdefault(call.chat_id, []).append(call.at)
    lost, duplicates = lost_and_duplicates(got, n)
    waits = []
    last_kill: dict[int, Kill] = {}
    for kill in done:
        for chat in kill.stranded:
            last_kill[chat] = kill
    for chat, kill in last_kill.items():
        later = [t for t in arrivals.get(chat, []) if t > kill.at]
        waits.append(later[0] - kill.at if later else float("inf"))
    longest = max(waits, default=0.0)
    stranded = max((len(k.stranded) for k in done), default=0)
    limit = LEASE.total_seconds() + SLACK
    ok = lost == 0 and duplicates <= kills and stranded <= BATCH and longest <= limit
    return verdict(
        "crash",
        ok,
        reminders=n,
        kills=len(done),
        lost=lost,
        duplicates=duplicates,
        stranded_per_kill_max=f"{stranded} (batch {BATCH})",
        stranded_total=sum(len(k.stranded) for k in done),
        longest_wait_after_kill=(
            f"{longest:.1f}s (lease {LEASE.total_seconds():.0f}s + {SLACK:.0f}s)"
        ),
        elapsed=f"{elapsed:.0f}s",
    )


def main() -> None:
    parser = drill_arguments(__doc__, reminders=2000)
    parser.add_argument("--kills", type=int, default=15)
    parser.add_argument("--seed", type=int, default=None, help="for the random kill moments")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    run_drill(args.log, lambda log: drill(args.reminders, args.kills, rng, log))


if __name__ == "__main__":
    main()
