"""faults: Telegram's 429, 5xx, timeouts before and after delivery, and 403, each on purpose.

    python -m drills.faults [--peers 20]

Each fault gets a fresh PostgreSQL database on 127.0.0.1 (peerbot_drill_faults_<pid>,
dropped after) with `--peers` due hour-before reminders, and the delivery engine and
Sender in this process against the local Bot API server, which injects the fault. The
engine then ticks at now, +2, +5, +10, +20 and +30 minutes (the sessions start at +59), its
pauses recorded rather than slept. What SPEC §7 promises, per fault:
  429      waited as told (retry_after) before the next try; each reminder arrives once
  5xx      tried again with growing pauses, then later ticks; each arrives once
  timeout  before delivery (Telegram never got it): tried again, so it arrives
  timeout  after delivery (Telegram got it, the answer was late): arrives, at most twice
  403      the person is marked unreachable and sent nothing more; the others arrive once
Prints one line (each fault ok or FAIL, lost and duplicates over all); exits 1 on a FAIL.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiohttp import web
from sqlalchemy import select
from telegram import Bot

from bot.localapi import LocalBotApi
from drills.common import FIRST_PEER, drill_database, open_db, received, seed_due_now
from scheduler.engine import DeliveryEngine
from scheduler.sending import Sender
from storage.models import Delivery, Person
from storage.uow import UnitOfWork

TICKS = (0, 2, 5, 10, 20, 30)  # minutes after the reminders fell due
READ_TIMEOUT = 0.5
HELD = 2.0  # seconds a held answer takes: longer than READ_TIMEOUT


class FaultyApi(LocalBotApi):
    """LocalBotApi that can also hold a request *before* it takes effect (a lost request)."""

    def __init__(self) -> None:
        super().__init__()
        self.hold_before: dict[str, int] = {}
        self.held = 0

    async def _answer(self, request: web.Request, raw: str) -> web.Response:
        if self.hold_before.get(raw.lower(), 0) > 0:
            self.hold_before[raw.lower()] -= 1
            self.held += 1
            # The client gives up first and hangs up; aiohttp then cancels this handler,
            # so the message is never recorded: Telegram never received it.
            await asyncio.sleep(HELD)
        return await super()._answer(request, raw)


@dataclass
class Run:
    api: FaultyApi
    n: int
    sleeps: list[float] = field(default_factory=list)
    states: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    unreachable: set[int] = field(default_factory=set)

    @property
    def got(self) -> dict[int, int]:
        return dict(received(self.api, self.n))

    def requests_to(self, chat: int) -> list[int]:
        return [c.status for c in self.api.calls_to("sendMessage") if c.chat_id == chat]


Inject = Callable[[FaultyApi], None]
# Gives a fresh migrated database's URL for the name (drill_database; tests use SQLite).
Databases = Callable[[str], AbstractAsyncContextManager[str]]


async def run(
    n: int, inject: Inject, *, read_timeout: float | None = None, databases: Databases
) -> Run:
    api = FaultyApi()
    async with api, databases("faults") as url:
        db = open_db(url)
        result = Run(api, n)

        async def sleep(seconds: float) -> None:
            result.sleeps.append(seconds)

        try:
            now = datetime.now(UTC)
            await seed_due_now(db, n, now)
            bot = Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url)
            async with bot:
                sender = Sender(bot, sleep=sleep, read_timeout=read_timeout)
                # One at a time, so that each delivery's pauses can be read in order.
                engine = DeliveryEngine(
                    db, sender, owner="drill", default_timezone="Europe/London", concurrency=1
                )
                inject(api)
                for minutes in TICKS:
                    await engine.tick(now + timedelta(minutes=minutes))
                await asyncio.sleep(HELD)  # a held request finishes (or not) before we count
            async with UnitOfWork(db) as uow:
                rows = await uow.session.execute(
                    select(Person.telegram_id, Delivery.state, Delivery.reason).join(
                        Delivery, Delivery.recipient_id == Person.id
                    )
                )
                result.states = {
                    chat: (state, reason) for chat, state, reason in rows.all() if chat is not None
                }
                marked = await uow.session.scalars(
                    select(Person.telegram_id).where(Person.unreachable_at.is_not(None))
                )
                result.unreachable = {m for m in marked if m is not None}
        finally:
            await db.dispose()
        return result


def once_each(r: Run, but: set[int] = frozenset()) -> tuple[int, int]:  # type: ignore[assignment]
    """(lost, duplicates) among the peers not in `but`."""
    chats = [FIRST_PEER + i for i in range(r.n) if FIRST_PEER + i not in but]
    got = r.got
    lost = sum(1 for c in chats if c not in got)
    return lost, sum(got.get(c, 1) - 1 for c in chats if c in got)


def ledger_of_lost(r: Run) -> str:
    """The ledger's state/reason of the reminders that never arrived."""
    got = r.got
    lost = [
        r.states.get(FIRST_PEER + i, ("?", None)) for i in range(r.n) if FIRST_PEER + i not in got
    ]
    return "lost_ledger=" + (",".join(f"{s}/{why}" for s, why in lost) or "-")


@dataclass
class Verdict:
    name: str
    ok: bool
    lost: int
    duplicates: int
    note: str


async def fault_429(n: int, databases: Databases) -> Verdict:
    r = await run(
        n,
        lambda api: api.fail("sendMessage", status=429, retry_after=3, times=3),
        databases=databases,
    )
    lost, dups = once_each(r)
    waited = r.sleeps.count(3.0)
    ok = lost == 0 and dups == 0 and waited == 3
    return Verdict("429", ok, lost, dups, f"waited_3s={waited}/3")


async def fault_5xx(n: int, databases: Databases) -> Verdict:
    # Enough 502s that the Sender's own tries run out and later ticks must finish the job.
    r = await run(
        n, lambda api: api.fail("sendMessage", status=502, times=n * 2), databases=databases
    )
    lost, dups = once_each(r)
    growing = [s for s in r.sleeps[:3]]
    ok = lost == 0 and dups == 0 and growing == sorted(growing) and len(set(growing)) > 1
    return Verdict("5xx", ok, lost, dups, "backoff=" + "/".join(f"{s:g}" for s in growing))


async def fault_timeout_before(n: int, databases: Databases) -> Verdict:
    def inject(api: FaultyApi) -> None:
        api.hold_before["sendmessage"] = 1

    r = await run(n, inject, read_timeout=READ_TIMEOUT, databases=databases)
    lost, dups = once_each(r)
    ok = lost == 0 and dups == 0 and r.api.held == 1
    return Verdict("timeout_before", ok, lost, dups, f"held={r.api.held} {ledger_of_lost(r)}")


async def fault_timeout_after(n: int, databases: Databases) -> Verdict:
    r = await run(
        n,
        lambda api: api.delay("sendMessage", HELD),
        read_timeout=READ_TIMEOUT,
        databases=databases,
    )
    lost, dups = once_each(r)
    ok = lost == 0 and dups <= 1
    delayed = {c for c, s in r.states.items() if s[1] == "timeout"} or {FIRST_PEER}
    note = "ledger=" + ",".join(sorted({r.states[c][0] for c in delayed if c in r.states}))
    return Verdict("timeout_after", ok, lost, dups, note)


async def fault_403(n: int, databases: Databases) -> Verdict:
    blocked = FIRST_PEER + n // 2
    r = await run(n, lambda api: api.block(blocked), databases=databases)
    lost, dups = once_each(r, but={blocked})
    tries = len(r.requests_to(blocked))
    state = r.states.get(blocked, ("?", None))
    ok = lost == 0 and dups == 0 and blocked in r.unreachable and tries == 1
    ok = ok and state == ("failed", "blocked")
    return Verdict("403", ok, lost, dups, f"tries={tries} ledger={state[0]}/{state[1]}")


FAULTS: dict[str, Callable[[int, Databases], Awaitable[Verdict]]] = {
    "429": fault_429,
    "5xx": fault_5xx,
    "timeout_before": fault_timeout_before,
    "timeout_after": fault_timeout_after,
    "403": fault_403,
}


async def drill(
    n: int, only: list[str] | None = None, databases: Databases = drill_database
) -> tuple[int, str]:
    verdicts = [await FAULTS[name](n, databases) for name in only or FAULTS]
    lost = sum(v.lost for v in verdicts)
    dups = sum(v.duplicates for v in verdicts)
    ok = all(v.ok for v in verdicts)
    parts = " ".join(f"{v.name}={'ok' if v.ok else 'FAIL'}({v.note})" for v in verdicts)
    line = f"faults: peers={n} {parts} lost={lost} duplicates={dups} {'OK' if ok else 'FAIL'}"
    return (0 if ok else 1), line


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--peers", type=int, default=20, help="due reminders per fault")
    parser.add_argument("--only", nargs="*", choices=list(FAULTS), help="just these faults")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.CRITICAL)  # one line of figures, nothing else
    code, line = asyncio.run(drill(args.peers, args.only))
    print(line)
    sys.exit(code)


if __name__ == "__main__":
    main()
