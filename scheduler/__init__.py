"""Time-driven jobs: the database says what is due; PTB's JobQueue is only the clock.

One repeating tick, nothing else: no job per session, nothing loaded from the future at
start-up. Each tick asks the ledger what has fallen due since the last one (so downtime
is noticed and either caught up or recorded as skipped), then claims, sends and records.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram.ext import Application, ContextTypes

from bot.context import BotData
from bot.services.safety_plan import SafetyConfig
from scheduler import content_endings, retention
from scheduler.engine import DeliveryEngine, sender_name
from scheduler.sending import Sender

log = logging.getLogger(__name__)

JOB_NAME = "deliveries"


@dataclass
class Ticker:
    """The job's data: this process's sender name and its one engine, kept across ticks so
    results sent during a database outage are recorded when it is back, not sent again."""

    owner: str
    engine: DeliveryEngine | None = None


async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send whatever is due now."""
    data: BotData = context.bot_data  # type: ignore[assignment]
    assert context.job is not None
    ticker: Ticker = context.job.data  # type: ignore[assignment]
    if ticker.engine is None:
        ticker.engine = DeliveryEngine(
            data.db,
            Sender(context.bot),
            owner=ticker.owner,
            default_timezone=data.settings.timezone,
            safety=SafetyConfig.of(data.settings),
        )
    engine = ticker.engine
    try:
        counts = await engine.tick(data.now)
    except Exception:  # a failed tick must not stop the next one
        log.exception("delivery tick failed")
        return
    if any(counts.values()):
        log.info("delivery tick: %s", dict(counts))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add the scheduler's one repeating tick, and the daily retention run."""
    data: BotData = app.bot_data
    if app.job_queue is None:
        raise RuntimeError("the job queue is missing: install python-telegram-bot[job-queue]")
    interval = data.settings.scheduler_tick_seconds
    content_endings.configure(data.settings)  # the words of a programme's end
    app.job_queue.run_repeating(
        tick,
        interval=interval,
        first=1,
        name=JOB_NAME,
        data=Ticker(sender_name()),
        # One tick at a time; a tick missed while the last one ran is not made up twice.
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
    # Once a day: erase peers whose programme ended more than RETENTION_DAYS ago.
    retention.register(app)
