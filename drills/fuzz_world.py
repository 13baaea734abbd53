"""The fuzz drill's world: an event loop for Hypothesis, the team it joins, the errors it counts."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime
from typing import Any

from bot.localapi import Person
from drills.fuzz_updates import PEER_A, PEER_B, ROLES
from tests.harness import Harness


class ErrorCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "handlers.fallback" and record.msg == "update %s failed":
            self.count += 1


async def team(bot: Harness) -> dict[str, Person]:
    coordinator = await bot.join_coordinator("Christabel")
    worker_a = await bot.join_worker(coordinator, "Wrenfield")
    worker_b = await bot.join_worker(coordinator, "Quorra")
    peer_a = await bot.join_peer(worker_a, PEER_A, "Zeph")
    peer_b = await bot.join_peer(worker_b, PEER_B, "Otto")
    for worker, peer in ((worker_a, PEER_A), (worker_b, PEER_B)):
        await worker.send(f"/schedule {peer} {datetime.now(UTC).year + 1}-03-10 10:00")
    stranger = bot.api.person("Mallory")
    return dict(
        zip(ROLES, (coordinator, worker_a, worker_b, peer_a, peer_b, stranger), strict=True)
    )


class Loop:
    """An event loop in a thread: Hypothesis calls a plain function per example."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Any, seconds: float = 120) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(seconds)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()
