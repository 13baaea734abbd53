"""fuzz: random updates from every role against the real Application, counted for harm.

    python -m drills.fuzz [--updates 10000] [--seed N]

A team in a fresh PostgreSQL database on 127.0.0.1 (peerbot_drill_fuzz_<pid>, dropped
after): a coordinator, two peer workers with a peer each, and a stranger, all joined by
link, talking to the real Application over the local Bot API server in this process.
Hypothesis generates the updates, one example each: commands with random arguments
(names, dates, numbers, odd text), long and odd text, buttons (the actor's own latest,
an older one of theirs, another person's, forged payloads for every button kind),
messages and commands in a group chat, and blocking/unblocking the bot. Counted:
  errors      updates that reached the error handler (its "update %s failed" record)
  apologies   replies carrying the generic "something went wrong"
  leaks       replies carrying another person's data: a peer's name in a chat where it
              does not belong (a group chat, a stranger's, the other worker's or peer's),
              unless the actor typed that name themselves in a private chat; any file or
              picture posted in a group chat
Prints one line; exits 1 if any count is above 0.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings

from bot.localapi import LocalBotApi, Person
from bot.texts import common as common_texts
from drills.common import drill_database
from drills.fuzz_updates import PEER_A, PEER_B, update_spec
from drills.fuzz_world import ErrorCount, Loop, team
from storage.db import open_database
from tests.harness import Harness, local_settings

GROUP = -1_001_234_567
# Who may see each peer's name: their worker, the coordinator, the peer.
ALLOWED = {
    PEER_A: {"coordinator", "worker_a", "peer_a"},
    PEER_B: {"coordinator", "worker_b", "peer_b"},
}
APOLOGY = common_texts.SOMETHING_WENT_WRONG
SENDING = ("sendMessage", "editMessageText", "editMessageCaption", "sendPhoto", "sendDocument")
FILES = ("sendPhoto", "sendDocument", "sendMediaGroup")


# -- the world the updates go to ---------------------------------------------------------


@dataclass
class Counts:
    updates: int = 0
    errors: int = 0
    apologies: int = 0
    leaks: int = 0
    replies: int = 0  # messages sent or edited, callback queries answered
    kinds: Counter[str] = field(default_factory=Counter)
    # What kind of update led to each harm (logged by kind and command, never text).
    where: Counter[str] = field(default_factory=Counter)


@dataclass
class World:
    bot: Harness
    people: dict[str, Person]
    counts: Counts
    errors: ErrorCount
    blocked: set[str] = field(default_factory=set)

    def role_of(self, chat_id: int | None) -> str | None:
        for role, person in self.people.items():
            if person.chat_id == chat_id:
                return role
        return "group" if chat_id == GROUP else None

    async def apply(self, spec: tuple[Any, ...]) -> None:
        api = self.bot.api
        kind, role = spec[0], spec[1]
        person = self.people[role]
        start, errors = len(api.calls), self.errors.count
        typed = ""
        label = kind
        if kind == "block":
            await self.block(role, spec[2])
        elif role in self.blocked:
            label = "while_blocked"  # Telegram brings no updates from one who blocked the bot
        elif kind in ("command", "group"):
            typed = f"/{spec[2]} {spec[3]}".strip()
            label = f"{kind}:/{spec[2]}"
            if kind == "group":
                self.group_message(person, typed)
            else:
                await person.send(typed, expect_reply=False, timeout=30)
        elif kind == "text":
            typed = spec[2]
            await person.send(typed, expect_reply=False, timeout=30)
        else:
            await self.press(person, kind, spec)
        await api.until_idle(asyncio.get_running_loop().time() + 30)
        self.judge(role, kind, typed, label, start, errors)

    async def block(self, role: str, blocked: bool) -> None:
        person = self.people[role]
        if blocked:
            self.blocked.add(role)
            self.bot.api.block(person.chat_id)
        else:
            self.blocked.discard(role)
            self.bot.api.unblock(person.chat_id)
        me = self.bot.api.bot_user
        kicked = {"status": "kicked", "user": me, "until_date": 0}
        member = {"status": "member", "user": me}
        self.bot.api.enqueue_update(
            "my_chat_member",
            {
                "chat": self.bot.api.chat_json(person.chat_id),
                "from": dict(person.user),
                "date": int(time.time()),
                "old_chat_member": member if blocked else kicked,
                "new_chat_member": kicked if blocked else member,
            },
        )

    def group_message(self, person: Person, typed: str) -> None:
        from bot.localapi.people import command_entities

        api = self.bot.api
        payload: dict[str, Any] = {
            "message_id": api.next_message_id(GROUP),
            "date": int(time.time()),
            "chat": {"id": GROUP, "type": "group", "title": "Team room"},
            "from": dict(person.user),
            "text": typed,
        }
        if entities := command_entities(typed):
            payload["entities"] = entities
        api.enqueue_update("message", payload)

    async def press(self, person: Person, kind: str, spec: tuple[Any, ...]) -> None:
        own = [m for m in person.messages if not m.deleted]
        if not own:
            return
        if kind == "forged":
            data = spec[2]
        else:
            source = person if spec[2] != "other" else self.people[spec[4]]
            keyed = [m for m in source.messages if m.has_inline_keyboard and not m.deleted]
            if not keyed:
                return
            message = keyed[-1] if spec[2] == "own" else keyed[spec[3] % len(keyed)]
            datas = [b.callback_data for row in message.buttons for b in row if b.callback_data]
            if not datas:
                return
            data = datas[spec[3] % len(datas)]
        target = own[-1]
        await person._press(target, data[:64] or "x", False, 30)

    def judge(self, role: str, kind: str, typed: str, label: str, start: int, errors: int) -> None:
        c = self.counts
        c.updates += 1
        c.kinds[kind] += 1
        harm = []
        if self.errors.count > errors:
            c.errors += self.errors.count - errors
            harm.append("error")
        for call in self.bot.api.calls[start:]:
            said = str(call.params.get("text") or call.params.get("caption") or "")
            answer = call.method in SENDING or call.method == "answerCallbackQuery"
            if answer and said and (APOLOGY.startswith(said) or APOLOGY[:100] in said):
                c.apologies += 1
                harm.append("apology")
            if answer and call.status == 200:
                c.replies += 1
            where = self.role_of(call.chat_id)
            if call.status != 200 or where is None:
                continue
            if where == "group" and call.method in FILES:
                c.leaks += 1
                harm.append("leak")
                continue
            if call.method not in SENDING:
                continue
            for name, allowed in ALLOWED.items():
                echoed = where == role and name in typed
                if name in said and where not in allowed and not echoed:
                    c.leaks += 1
                    harm.append("leak")
        for h in harm:
            c.where[f"{h}@{label}"] += 1


@contextmanager
def world(loop: Loop, url: str) -> Iterator[World]:
    errors = ErrorCount()
    logging.getLogger().addHandler(errors)
    api = LocalBotApi()
    loop.run(api.start())
    settings_ = local_settings(api, url)
    bot = Harness(api, open_database(url), settings_, lambda: datetime.now(UTC))  # type: ignore[arg-type]
    try:
        loop.run(bot.start_bot())
        people = loop.run(team(bot))
        errors.count = 0  # joining is not the fuzz
        yield World(bot, people, Counts(), errors)
    finally:
        loop.run(bot.stop_bot())
        loop.run(bot.db.dispose())
        loop.run(api.stop())
        logging.getLogger().removeHandler(errors)


def fuzz(url: str, updates: int, at_seed: int | None = None) -> Counts:
    """Send `updates` generated updates to a bot on the migrated database at `url`."""
    loop = Loop()
    try:
        with world(loop, url) as w:

            @settings(
                max_examples=updates,
                derandomize=at_seed is None,
                database=None,
                deadline=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(update_spec)
            def one(spec: tuple[Any, ...]) -> None:
                loop.run(w.apply(spec))

            if at_seed is not None:
                one = seed(at_seed)(one)
            one()
            return w.counts
    finally:
        loop.close()


def line(c: Counts, took: float) -> str:
    ok = c.errors == c.apologies == c.leaks == 0
    worst = ",".join(f"{k}={v}" for k, v in c.where.most_common(6)) or "-"
    return (
        f"fuzz: updates={c.updates} replies={c.replies} errors={c.errors} "
        f"apologies={c.apologies} leaks={c.leaks} "
        f"kinds={dict(sorted(c.kinds.items()))} worst={worst} elapsed={took:.0f}s "
        f"{'OK' if ok else 'FAIL'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--seed", type=int, help="a random run from this seed (default: fixed)")
    args = parser.parse_args()
    # One line of figures: the log is counted, not shown.
    logging.getLogger().addHandler(logging.NullHandler())
    logging.getLogger().setLevel(logging.ERROR)
    started = time.monotonic()
    with tempfile.TemporaryDirectory():
        loop = asyncio.new_event_loop()
        ctx = drill_database("fuzz")
        url = loop.run_until_complete(ctx.__aenter__())
        try:
            counts = fuzz(url, args.updates, args.seed)
        finally:
            loop.run_until_complete(ctx.__aexit__(None, None, None))
            loop.close()
    print(line(counts, time.monotonic() - started))
    sys.exit(0 if counts.errors == counts.apologies == counts.leaks == 0 else 1)


if __name__ == "__main__":
    main()
