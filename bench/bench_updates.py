"""How fast the real bot answers /next and the "I'll be there" tap, against a bare PTB bot.

    python bench/bench_updates.py                       # SQLite (a temporary file)
    python bench/bench_updates.py --reset \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/peerbot_bench

In one run, against one local Bot API server (in this process, which also plays the
people), three bots in turn, each in its own process polling the server:
- bare: python-telegram-bot with no database, as built by default (one update at a time),
  making the same Bot API calls (/next: one sendMessage with a card of the real one's
  length and buttons; the tap: answerCallbackQuery and editMessageText with the same
  buttons);
- bareN: the same bot taking as many updates at once as the real one does on this
  database (`bot.updates.concurrent_updates`: 8 on PostgreSQL, 4 on SQLite), so that
  what concurrency costs python-telegram-bot and httpx shows apart from what the
  database and our code cost;
- real: the Application `peerbot run` builds (its handlers, the database, the rate limiter
  and the concurrent update processor), on a database seeded with one session each for
  the peers.
Each bot gets the same load: a burst (every /next at once, then every tap at once) and a
paced run (--rate a second), each phase once the bot is idle again after the one before
(`Driver.settle`). It prints each phase's rate and latency, then real ÷ bare (the
ratio the targets are set on) and real ÷ bareN.
An update's latency is from its arrival at the server to the bot's last call for it;
"cpu ms" is the bot process's CPU time (user + system, from /proc) per update of the phase,
which a loaded machine changes far less than the rates.
--profile FILE runs the real bot under cProfile (CPU time) while it takes the load (not its
start) and writes the stats to FILE (`python -m pstats FILE`); --only real skips the bare bots.
PostgreSQL: --reset empties the given database first (DROP SCHEMA public): never point it
at a database you want to keep.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from bench.common import bench_database, database_arguments
from bot.localapi import LocalBotApi
from bot.localapi.models import CallbackRecord
from bot.localapi.people import command_entities
from bot.services import delivery_ahead
from bot.updates import concurrent_updates
from drills.common import FIRST_PEER, seed_due_reminders
from storage.db import Database, open_database
from storage.models import PeerSession
from storage.uow import UnitOfWork
from storage.uow_notes import Touched

CONFIRM = "I'll be there"

REAL = """
import asyncio, cProfile, sys, time
from bot.app import build_application, start_app, stop_app
from bot.heap import freeze_what_start_built
from bot.config import Settings
from storage.db import open_database

async def main(token, base, url, profile=""):
    settings = Settings(telegram_bot_token=token, telegram_base_url=base + "/bot",
                        telegram_base_file_url=base + "/file/bot", database_url=url)
    db = open_database(url)
    app = build_application(settings, db)
    await start_app(app, settings)
    freeze_what_start_built()  # as `peerbot run` does once started
    # CPU time, not wall time: what the bot spends, not what it waits for.
    profiler = cProfile.Profile(time.process_time) if profile else None
    if profiler:  # the bot's work under load only, not its start or stop
        profiler.enable()
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    await stop_app(app)
    await db.dispose()

asyncio.run(main(*sys.argv[1:5]))
"""

BARE = """
import asyncio, sys
from telegram import InlineKeyboardButton as B, InlineKeyboardMarkup as M, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler

# The real card's shape: four buttons in three rows, kept under the edited card too.
CARD = M([[B("I'll be there", callback_data="ses:ok:1:1")],
          [B("Rearrange", callback_data="ses:re:1:1"),
           B("Can't make it", callback_data="ses:ask:1:1")],
          [B("Add to my calendar", callback_data="prv:cal")]])
TEXT = ("Your next session: session 2 of 10 with W\\nThu 3 Dec, 13:00-14:00 (60 minutes)\\n"
        "Place: Room 2\\nStatus: {}")

async def next_session(update, context):
    await update.message.reply_text(TEXT.format("not confirmed yet"), reply_markup=CARD)

async def confirm(update, context):
    await update.callback_query.answer("Thank you, that's confirmed. See you then.")
    await update.callback_query.edit_message_text(
        TEXT.format("you said you'll be there"), reply_markup=CARD)

async def main(token, base, at_once):
    builder = (ApplicationBuilder().token(token).base_url(base + "/bot")
               .base_file_url(base + "/file/bot"))
    app = (builder.concurrent_updates(int(at_once)) if int(at_once) > 1 else builder).build()
    app.add_handler(CommandHandler("next", next_session))
    app.add_handler(CallbackQueryHandler(confirm))
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=10,
        allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER])
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await app.updater.stop()
    await app.stop()
    await app.shutdown()

asyncio.run(main(*sys.argv[1:4]))
"""


@dataclass
class Phase:
    name: str
    rate: float  # updates a second, first arrival to last answer
    p50: float  # ms
    p99: float  # ms
    count: int
    cpu: float  # ms of the bot process's CPU (user + system) per update


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system, all threads) process `pid` has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Driver:
    """Plays the people: puts updates on the server and waits for the bot's last call."""

    def __init__(self, api: LocalBotApi, pid: int | None = None) -> None:
        self.api = api
        self.pid = os.getpid() if pid is None else pid  # whose CPU a phase reports
        self._queries = itertools.count(1)

    def command(self, chat: int, text: str) -> tuple[float, Any]:
        api = self.api
        payload: dict[str, Any] = {
            "message_id": api.next_message_id(chat),
            "date": int(time.time()),
            "chat": api.chat_json(chat),
            "from": api._users[chat],
            "text": text,
            "entities": command_entities(text),
        }
        api._incoming.add((chat, payload["message_id"]))
        api.enqueue_update("message", payload)
        return time.monotonic(), ("sendMessage", chat)

    def tap(self, chat: int) -> tuple[float, Any]:
        api = self.api
        card = next(
            api._messages[(chat, m)]
            for m in reversed(api._chat_order[chat])
            if api._messages[(chat, m)].has_inline_keyboard
        )
        button = card.button(CONFIRM)
        query_id = f"{chat}{next(self._queries):08d}"
        api._queries[query_id] = CallbackRecord(query_id, chat, chat, card.message_id)
        payload = {
            "id": query_id,
            "from": api._users[chat],
            "message": card.to_api(api.bot_user, api.chat_json(chat)),
            "chat_instance": f"local-{chat}",
            "data": button.callback_data,
        }
        api.enqueue_update("callback_query", payload)
        return time.monotonic(), ("tap", chat, query_id)

    def _done_at(self, seen: int, waits: dict[Any, list[float]]) -> int:
        """Note the calls since index `seen` that finish an awaited update."""
        calls = self.api.calls
        for call in calls[seen:]:
            if call.method == "sendMessage":
                waits.setdefault(("sendMessage", call.chat_id), []).append(call.at)
            elif call.method == "editMessageText":
                waits.setdefault(("edit", call.chat_id), []).append(call.at)
            elif call.method == "answerCallbackQuery":
                waits.setdefault(("answer", call.params.get("callback_query_id")), []).append(
                    call.at
                )
        return len(calls)

    async def settle(self, quiet: float = 0.2, longest: float = 10.0) -> None:
        """Wait until the bot has finished what the last phase left it (it uses almost no
        CPU for `quiet` seconds), so that a phase measures its own load only.

        A phase ends at the last answer seen here; the real bot still notes the keyboards of
        its last answers after that (a database write each). Without this the first
        updates of a paced phase waited behind a burst's leftovers: 40-80 ms, its p99.
        """
        deadline = time.monotonic() + longest
        while time.monotonic() < deadline:
            before = cpu_seconds(self.pid)
            await asyncio.sleep(quiet)
            if cpu_seconds(self.pid) - before <= quiet * 0.05:
                return

    async def run(self, name: str, items: list[int], kind: str, rate: float | None) -> Phase:
        await self.settle()
        sent: list[tuple[float, Any]] = []
        waits: dict[Any, list[float]] = {}
        seen = len(self.api.calls)
        cpu_before = cpu_seconds(self.pid)
        start = time.monotonic()
        for i, chat in enumerate(items):
            if rate is not None:
                await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
            sent.append(self.command(chat, "/next") if kind == "next" else self.tap(chat))
        latencies: list[float] = []
        finished: list[float] = []
        deadline = time.monotonic() + 300
        pending = list(sent)
        while pending and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
            seen = self._done_at(seen, waits)
            left = []
            for at, key in pending:
                done = self._finished(key, at, waits)
                if done is None:
                    left.append((at, key))
                else:
                    latencies.append(done - at)
                    finished.append(done)
            pending = left
        if pending:
            raise SystemExit(f"{name}: {len(pending)} updates never answered")
        cpu = (cpu_seconds(self.pid) - cpu_before) * 1000 / len(items)
        span = max(finished) - sent[0][0]
        cuts = statistics.quantiles(latencies, n=100)
        return Phase(name, len(items) / span, cuts[49] * 1000, cuts[98] * 1000, len(items), cpu)

    @staticmethod
    def _finished(key: Any, at: float, waits: dict[Any, list[float]]) -> float | None:
        if key[0] == "sendMessage":
            times = [t for t in waits.get(key, []) if t >= at]
            return min(times) if times else None
        _, chat, query_id = key
        answered = waits.get(("answer", query_id))
        edited = [t for t in waits.get(("edit", chat), []) if t >= at]
        return max(answered[0], min(edited)) if answered and edited else None


async def run_bot(
    api: LocalBotApi,
    script: str,
    argv: list[str],
    plan: list[tuple[str, list[int], str, float | None]],
) -> list[Phase]:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, *argv,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        cwd=Path(__file__).parent.parent,
    )  # fmt: skip
    assert child.stdin and child.stdout
    try:
        assert (await child.stdout.readline()).strip() == b"ready"
        driver = Driver(api, child.pid)
        return [await driver.run(*step) for step in plan]
    finally:
        child.stdin.close()
        await child.wait()


async def plan_ahead(db: Database, now: datetime) -> None:
    """Plan the seeded sessions' deliveries, as scheduling them through the bot would have:
    a tap then re-plans what is already there (as in use), not a first plan."""
    async with UnitOfWork(db) as uow:
        ids = set(await uow.session.scalars(select(PeerSession.id)))
        await delivery_ahead.replan(
            uow, Touched(sessions=ids), now=now, default_timezone="Europe/London"
        )
        await uow.commit()


async def run(
    url: str, burst: int, paced: int, rate: float, profile: str = "", only: str = ""
) -> dict[str, Any]:
    now = datetime.now(UTC)
    db = open_database(url)
    # Sessions in three hours: nothing falls due while the bench runs.
    await seed_due_reminders(db, 2 * (burst + paced), now, starts_in=timedelta(hours=3))
    await plan_ahead(db, now)
    await db.dispose()
    peers = [FIRST_PEER + i for i in range(2 * (burst + paced))]
    results: dict[str, list[Phase]] = {}
    async with LocalBotApi() as api:
        for chat in peers:
            api.person(f"P{chat}", user_id=chat)
        base = f"http://{api.host}:{api.port}"
        at_once = str(concurrent_updates(url.startswith("sqlite")))
        for name, script, argv, chats in (
            ("bare", BARE, [api.token, base, "1"], peers[: burst + paced]),
            # The bare bots need no records: the second answers in the first one's chats.
            ("bareN", BARE, [api.token, base, at_once], peers[: burst + paced]),
            ("real", REAL, [api.token, base, url, profile], peers[burst + paced :]),
        ):
            if only and name != only:
                continue
            plan: list[tuple[str, list[int], str, float | None]] = [
                ("/next burst", chats[:burst], "next", None),
                ("tap burst", chats[:burst], "tap", None),
                (f"/next paced {rate:g}/s", chats[burst:], "next", rate),
                (f"tap paced {rate:g}/s", chats[burst:], "tap", rate),
            ]
            results[name] = await run_bot(api, script, argv, plan)
    print(f"backend {url.split(':', 1)[0]}; burst {burst}, paced {paced} at {rate:g}/s")
    print(f"{'phase':<22}{'bot':<6}{'rate/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'cpu ms':>9}")
    summary: dict[str, Any] = {}
    if only:
        for phase in results[only]:
            print(_row(phase, only))
        return summary
    phases = zip(results["bare"], results["bareN"], results["real"], strict=True)
    for bare, bare_n, real in phases:
        for who, phase in (("bare", bare), ("bareN", bare_n), ("real", real)):
            print(_row(phase, who))
        ratio, ratio_n = real.rate / bare.rate, real.rate / bare_n.rate
        print(f"{'':<22}{'ratio':<6}{ratio:>8.2f}×  (÷ bareN: {ratio_n:.2f}×)")
        summary[real.name] = {
            "ratio": round(ratio, 2),
            "ratio_to_bareN": round(ratio_n, 2),
            "real_p99_ms": round(real.p99, 1),
            "cpu_ms": [round(bare.cpu, 2), round(bare_n.cpu, 2), round(real.cpu, 2)],
        }
    print(json.dumps(summary))
    return summary


def _row(phase: Phase, who: str) -> str:
    return (
        f"{phase.name:<22}{who:<6}{phase.rate:>9.1f}{phase.p50:>9.1f}{phase.p99:>9.1f}"
        f"{phase.cpu:>9.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    database_arguments(parser)
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--paced", type=int, default=500)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument(
        "--profile", default="", help="cProfile the real bot under load into this file"
    )
    parser.add_argument(
        "--only", choices=("bare", "bareN", "real"), default="", help="one bot only"
    )
    args = parser.parse_args()
    with bench_database(args) as url:
        asyncio.run(run(url, args.burst, args.paced, args.rate, args.profile, args.only))


if __name__ == "__main__":
    main()
