"""Retention: once a day, erase peers whose programme ended more than RETENTION_DAYS ago.

Erasing is idempotent (a peer already erased is skipped), so replicas running the same
daily job at once do no harm.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time

from telegram.ext import Application, ContextTypes

from bot.context import BotData
from bot.services.privacy import erase_expired

log = logging.getLogger(__name__)

# Early morning UTC: quiet for everyone in Europe, and clear of the digests at 09:00.
RUN_AT = time(3, 17, tzinfo=UTC)


async def run_retention(data: BotData, now: datetime) -> list[int]:
    """Erase every peer past RETENTION_DAYS in one unit of work; the ids erased."""
    async with data.uow() as uow:
        erased = await erase_expired(uow, now=now, retention_days=data.settings.retention_days)
    log.info("retention run: %d peers erased", len(erased))
    return erased


async def _daily(context: ContextTypes.DEFAULT_TYPE) -> None:
    data: BotData = context.bot_data  # type: ignore[assignment]
    await run_retention(data, data.now())


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add the daily retention job."""
    assert app.job_queue is not None
    app.job_queue.run_daily(_daily, RUN_AT, name="retention")  # type: ignore[arg-type]
