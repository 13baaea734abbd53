"""The end-to-end harness runs the scheduler when a test says so, and only then."""

from __future__ import annotations

import scheduler
from tests.conftest import Clock
from tests.harness import Harness, running_bot


def _tick_job(bot: Harness):  # type: ignore[no-untyped-def]
    assert bot.app is not None and bot.app.job_queue is not None
    (job,) = bot.app.job_queue.get_jobs_by_name(scheduler.JOB_NAME)
    return job


async def test_the_scheduler_timer_waits_for_the_test(bot: Harness) -> None:
    # A timer tick could land between two steps of a test that moved the clock, and send
    # what the next step did not expect (CI saw an outcome question arrive after a press).
    assert _tick_job(bot).next_t is None
    await bot.restart()
    assert _tick_job(bot).next_t is None
    assert bot.watch is not None
    await bot.tick(2)  # paused, it still runs on demand
    assert bot.watch.runs(scheduler.JOB_NAME) == 2


async def test_a_test_that_sets_a_tick_interval_gets_the_timer(
    database_url: str, clock: Clock
) -> None:
    async with running_bot(database_url, clock, scheduler_tick_seconds=1) as bot:
        assert _tick_job(bot).next_t is not None
