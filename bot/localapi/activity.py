"""What a python-telegram-bot Application is busy with, told to the local Bot API server.

The server sees the bot's requests, not the work between them (a database query between
two sends, a handler that answers nothing).  Nor does a confirmed update mean a processed
one: PTB's Updater puts what getUpdates returned into ``update_queue`` and polls again at
once, with the confirming offset, while the Application is still processing.  So the
Application itself must say when it is busy; ``watch_application`` makes it say so.

Duck-typed on purpose: nothing here imports ``telegram``.
"""

from __future__ import annotations

import asyncio
import functools
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import LocalBotApi


class ApplicationWatch:
    """Reports one Application's unfinished updates and running jobs to a LocalBotApi."""

    def __init__(self, api: LocalBotApi, app: Any) -> None:
        self._api = api
        self._app = app
        self._queue: asyncio.Queue[object] = app.update_queue
        # PTB calls task_done() once process_update() has returned for an update (its own
        # stop() waits for that with update_queue.join()); the count of unfinished items
        # grew in put(), before the Updater confirmed the update (next getUpdates offset)
        # or the webhook answered.  So between them no update is left uncounted.
        finished = self._queue.task_done

        def task_done() -> None:
            finished()
            api.notify()

        self._queue.task_done = task_done  # type: ignore[method-assign]
        self._started: Counter[str] = Counter()
        self._finished: Counter[str] = Counter()
        self._locks: dict[str, asyncio.Lock] = {}
        self._jobs: dict[str, Any] = {}
        if app.job_queue is not None:
            # Jobs scheduled at build time (the scheduler's tick, the daily retention run);
            # a job added later is not watched.
            for job in app.job_queue.jobs():
                self._jobs[job.name] = job
                self._locks[job.name] = asyncio.Lock()
                job.callback = self._counted(job.name, job.callback)
        self._remove = api.add_probe(self.busy)

    def busy(self) -> str | None:
        """What the Application is doing, or None."""
        unfinished: int = self._queue._unfinished_tasks  # type: ignore[attr-defined]
        if unfinished:
            return f"the bot is processing {unfinished} update(s)"
        for name in self._started:
            if self._started[name] > self._finished[name]:
                return f"the bot's job {name!r} is running"
        return None

    def runs(self, name: str) -> int:
        """How many runs of the named job have ended."""
        return self._finished[name]

    async def run_job(self, name: str, times: int = 1) -> None:
        """Run the named job now, ``times`` times in a row, each run ending before the next.

        The same callback the schedule runs, and never alongside a scheduled run: the job
        keeps running one at a time, as its ``max_instances=1`` says.
        """
        job = self._jobs[name]
        for _ in range(times):
            await job.run(self._app)

    def close(self) -> None:
        """Stop reporting (after the Application stopped)."""
        del self._queue.task_done  # the instance attribute; the method shows again
        self._remove()

    def _counted(
        self, name: str, callback: Callable[[Any], Awaitable[None]]
    ) -> Callable[[Any], Awaitable[None]]:
        @functools.wraps(callback)
        async def run(context: Any) -> None:
            async with self._locks[name]:
                self._started[name] += 1
                self._api.notify()
                try:
                    await callback(context)
                finally:
                    self._finished[name] += 1
                    self._api.notify()

        return run


def watch_application(api: LocalBotApi, app: Any) -> ApplicationWatch:
    """Make ``api.busy()`` cover ``app``'s own work; call before ``app.start()``.

    Then a Person waits until the bot is idle instead of for a quiet period.
    """
    return ApplicationWatch(api, app)
