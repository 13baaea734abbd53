"""safety: lone-working check-ins (SPEC §8) through `kill -9` of `peerbot run`.

    python -m drills.safety [--checkins 200] [--unanswered 50] [--kills 10] [--seed N]

Seeds, in a fresh PostgreSQL database on 127.0.0.1 (dropped after), three coordinators and
N peer workers, each with one check-in (a /checkin visit) whose alert falls due in the
next minute or so (SAFETY_GRACE_MINUTES=1). Runs the local Bot API server in this process
and `peerbot run` (SAFETY_CHECKINS=true, a one-second tick) as a child, killed with SIGKILL
at a random moment 0.5-4 s after each start and restarted, `--kills` times, while the
drill says "I'm safe" (as /safe does) for all but `--unanswered` of the workers, a few
seconds before each one's alert is due. The last start runs until every alert has arrived
or the safety lease has run out with time to spare. Prints one line; exits 1 unless every
unanswered check-in's alert reached every coordinator, none came for a worker who said
they were safe, and an alert came twice only where a kill caught it in flight (between
Telegram's answer and the commit, which SPEC §7 allows: no Bot API call can tell
whether a message went out), at most one per kill.
"""

from __future__ import annotations

import asyncio
import inspect
import random
import re
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import aliased

from bot.localapi import LocalBotApi
from bot.services import safety
from bot.services.safety_plan import SafetyConfig
from drills.common import (
    drill_arguments,
    drill_database,
    free_port,
    open_db,
    peerbot_env,
    run_drill,
    start_and_kill,
    start_peerbot,
    stop_peerbot,
    until,
    verdict,
)
from scheduler.engine import DeliveryEngine
from storage.db import Database
from storage.enums import CheckinKind, CheckinState, DeliveryKind, DeliveryState
from storage.models import Delivery, Person, SafetyCheckin
from storage.uow import UnitOfWork

COORDINATORS = (900_001, 900_002, 900_003)
FIRST_WORKER = 800_000
GRACE = timedelta(minutes=1)
LEASE: timedelta = inspect.signature(DeliveryEngine.__init__).parameters["safety_lease"].default
SLACK = 60.0
ALERT = re.compile(r"^Safety alert: Worker (\d+) ")


async def seed(
    db: Database, n: int, now: datetime, rng: random.Random, spread: float
) -> dict[int, datetime]:
    """The team and one check-in per worker; each worker's alert time (UTC)."""
    alerts: dict[int, datetime] = {}
    async with UnitOfWork(db) as uow:
        for i, chat in enumerate(COORDINATORS):
            uow.people.add(_person("coordinator", f"Coordinator {i}", chat, now))
        workers = [_person("worker", f"Worker {i}", FIRST_WORKER + i, now) for i in range(n)]
        for worker in workers:
            uow.people.add(worker)
        await uow.flush()
        for i, worker in enumerate(workers):
            alert_at = now + timedelta(seconds=20 + rng.uniform(0, spread))
            ends = alert_at - 2 * GRACE
            uow.safety.add(
                SafetyCheckin(
                    worker_id=worker.id,
                    kind=CheckinKind.ADHOC,
                    state=CheckinState.OPEN,
                    place=f"Visit {i}",
                    starts_at=ends - timedelta(minutes=30),
                    ends_at=ends,
                    last_heard_at=ends - timedelta(minutes=30),
                    created_at=now,
                    version=1,
                )
            )
            alerts[i] = alert_at
        await uow.commit()
    return alerts


def _person(role: str, name: str, chat: int, now: datetime) -> Person:
    return Person(
        role=role,
        display_name=name,
        telegram_id=chat,
        timezone="Europe/London",
        created_at=now,
        joined_at=now,
        paused=False,
    )


async def say_safe(db: Database, worker: int, at: datetime) -> None:
    """As the worker's /safe would, a few seconds before their alert is due."""
    await asyncio.sleep(max((at - datetime.now(UTC)).total_seconds(), 0.0))
    config = SafetyConfig(True, GRACE)
    async with UnitOfWork(db) as uow:
        await safety.say_safe(uow, FIRST_WORKER + worker, now=datetime.now(UTC), config=config)


async def held_alerts(db: Database, pid: int) -> set[tuple[int, int]]:
    """(coordinator chat, worker number) of the alerts process `pid` held, not finished."""
    worker = aliased(Person)
    coordinator = aliased(Person)
    async with UnitOfWork(db) as uow:
        rows = await uow.session.execute(
            select(coordinator.telegram_id, worker.telegram_id)
            .join(Delivery, Delivery.recipient_id == coordinator.id)
            .join(SafetyCheckin, SafetyCheckin.id == Delivery.checkin_id)
            .join(worker, worker.id == SafetyCheckin.worker_id)
            .where(
                Delivery.kind == DeliveryKind.SAFETY_ALERT,
                Delivery.state == DeliveryState.CLAIMED,
                Delivery.claimed_by.like(f"%:{pid}:%"),
            )
        )
        return {(int(c), int(w) - FIRST_WORKER) for c, w in rows if c and w}


def alerts_received(api: LocalBotApi) -> Counter[tuple[int, int]]:
    """(coordinator chat, worker number) of each alert that reached Telegram."""
    got: Counter[tuple[int, int]] = Counter()
    for call in api.calls_to("sendMessage"):
        text = str(call.params.get("text", ""))
        found = ALERT.match(text)
        if call.status == 200 and call.chat_id in COORDINATORS and found:
            got[(call.chat_id, int(found[1]))] += 1
    return got


async def drill(
    n: int, unanswered: int, kills: int, rng: random.Random, log: Path, spread: float = 60.0
) -> int:
    async with LocalBotApi(port=free_port()) as api, drill_database("safety") as url:
        db = open_db(url)
        try:
            started = time.monotonic()
            alert_times = await seed(db, n, datetime.now(UTC), rng, spread)
            silent = set(rng.sample(range(n), unanswered))
            saying = [
                asyncio.create_task(say_safe(db, i, at - timedelta(seconds=rng.uniform(3, 10))))
                for i, at in alert_times.items()
                if i not in silent
            ]
            in_flight: set[tuple[int, int]] = set()  # alerts a killed process held
            env = peerbot_env(api, url, SAFETY_CHECKINS="true", SAFETY_GRACE_MINUTES="1")
            for _ in range(kills):
                in_flight |= await held_alerts(db, await start_and_kill(api, env, log, rng))
            child = start_peerbot(env, log)
            expected = unanswered * len(COORDINATORS)
            try:
                await asyncio.gather(*saying)
                last_due = max(alert_times.values())
                wait = (last_due - datetime.now(UTC)).total_seconds() + LEASE.total_seconds()
                await until(lambda: sum(alerts_received(api).values()) >= expected, wait + SLACK)
                await asyncio.sleep(5)  # room for a late duplicate to show
            finally:
                await stop_peerbot(child)
            elapsed = time.monotonic() - started
        finally:
            await db.dispose()
        got = alerts_received(api)
    wanted = {(chat, i) for chat in COORDINATORS for i in silent}
    missing = len(wanted - set(got))
    duplicates = sum(c - 1 for key, c in got.items() if key in wanted)
    # SPEC §7: a kill between Telegram's answer and the commit may repeat that one message.
    unexplained = sum(c - 1 for key, c in got.items() if key in wanted and key not in in_flight)
    false_alarms = sum(c for key, c in got.items() if key not in wanted)
    ok = missing == 0 and unexplained == 0 and duplicates <= kills and false_alarms == 0
    return verdict(
        "safety",
        ok,
        checkins=n,
        unanswered=unanswered,
        coordinators=len(COORDINATORS),
        kills=kills,
        alerts_expected=len(wanted),
        alerts_received=sum(got.values()),
        missing=missing,
        duplicates=duplicates,
        duplicates_not_in_flight_at_a_kill=unexplained,
        alerts_in_flight_at_kills=len(in_flight),
        false_alarms=false_alarms,
        elapsed=f"{elapsed:.0f}s",
    )


def main() -> None:
    parser = drill_arguments(__doc__, reminders=0)
    parser.add_argument("--checkins", type=int, default=200)
    parser.add_argument("--unanswered", type=int, default=50)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None, help="for the random moments")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    run_drill(
        args.log,
        lambda log: drill(args.checkins, args.unanswered, args.kills, rng, log),
    )


if __name__ == "__main__":
    main()
