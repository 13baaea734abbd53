"""Updates processed concurrently, one chat's updates in the order they came.

PTB runs one update at a time by default, so a slow handler (the digest's chart, a PDF)
holds up every chat behind it. With bot/app.py's processor (a PTB `BaseUpdateProcessor`
over `PerChatOrder` here; only the app imports telegram) each update runs in its own
task, up to `concurrent_updates()` at once, and a lock per chat keeps one chat's updates
in order: a person's second tap is handled after their first, never beside it.

Why order holds: PTB starts the updates' tasks in the order the updates came; a task
takes the (fair, FIFO) semaphore and then its chat's lock, both without yielding when
free, so the waiters queue in arrival order too.

The database copes with several units of work at once: PostgreSQL by its row versions
(every state change is conditional on the version read), SQLite by its one writer at a
time and `busy_timeout` (a write waits for the file lock), with fewer updates at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

# Enough that a few slow charts never fill it; small enough that a burst of thousands
# of taps does not open thousands of database sessions at once. More buys nothing on one
# event loop and costs CPU: with 32, updates queued for the database pool's 15
# connections, and the HTTP pool's bookkeeping grew with every connection in flight. A
# burst of 1,000 /next took 7.65 ms of the bot's CPU an update with 8, 8.86 ms with 32
# (medians of 3 runs of bench/bench_updates.py on PostgreSQL).
DEFAULT_CONCURRENT_UPDATES = 8
# SQLite lets one writer in at a time, and a writer kept waiting sleeps in its busy
# handler: with 32 at once a burst of taps waited past busy_timeout (10 s) and failed.
# Four at once still lets a slow update run beside the others, at sequential speed.
SQLITE_CONCURRENT_UPDATES = 4


def concurrent_updates(is_sqlite: bool) -> int:
    return SQLITE_CONCURRENT_UPDATES if is_sqlite else DEFAULT_CONCURRENT_UPDATES


def chat_of(update: object) -> int | None:
    """The chat whose order `update` belongs to (its sender's, when it has no chat).

    Duck-typed on PTB's Update, so that only bot/app.py imports telegram.
    """
    for attribute in ("effective_chat", "effective_user"):
        found = getattr(update, attribute, None)
        if isinstance(getattr(found, "id", None), int):
            return int(found.id)  # type: ignore[union-attr]
    return None


class PerChatOrder:
    """Runs each update's coroutine after the earlier ones of its chat."""

    def __init__(self) -> None:
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._holders: dict[int | None, int] = {}

    def waiting_in(self, chat_id: int | None) -> int:
        """How many updates of this chat are running or waiting their turn."""
        return self._holders.get(chat_id, 0)

    async def run(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = chat_of(update)
        lock = self._locks.get(chat)
        if lock is None:
            lock = self._locks[chat] = asyncio.Lock()
        self._holders[chat] = self._holders.get(chat, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            # Forget a chat's lock once nothing holds or awaits it: memory stays bounded
            # by the chats active right now, not by every chat ever seen.
            self._holders[chat] -= 1
            if not self._holders[chat]:
                del self._holders[chat]
                del self._locks[chat]
