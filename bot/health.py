"""/healthz and /metrics on HEALTH_PORT while `peerbot run` runs (SPEC §6); off when unset.

`GET /healthz` answers 200 when the database answers and updates are being taken, 503
otherwise, with a short JSON body a person can read too. `GET /metrics` serves
bot.metrics.REGISTRY in Prometheus text format; the gauges that describe the database are
set from it at each scrape, so every replica reports the same backlog. Neither carries
anything personal: counts, ages and handler names only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select

from bot import metrics
from bot.config import Settings
from storage.db import Database
from storage.enums import DeliveryState
from storage.models import Delivery
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

# A database that has not answered within this is down, as far as a load balancer cares.
DATABASE_TIMEOUT_SECONDS = 3.0
# Due-but-unsent: waiting for a sender, or taken by one and not finished yet.
UNSENT = (DeliveryState.PENDING, DeliveryState.CLAIMED)
DEFAULT_GRACE = timedelta(minutes=15)  # SAFETY_GRACE_MINUTES's default


@dataclass(frozen=True)
class Backlog:
    """The scheduler's backlog: deliveries due and not yet sent, and the oldest's wait;
    safety check-ins (SPEC §8) open, and alerts due that reached no coordinator."""

    due_unsent: int
    oldest_due_age_seconds: float
    open_checkins: int = 0
    failing_alerts: int = 0


async def backlog(db: Database, now: datetime, grace: timedelta = DEFAULT_GRACE) -> Backlog:
    """Read the due-but-unsent deliveries (one statement, through ix_deliveries_state_due)
    and the unresolved check-ins (two, through ix_safety_checkins_state_ends_at)."""
    query = select(func.count(), func.min(Delivery.due_at)).where(
        Delivery.state.in_(UNSENT), Delivery.due_at <= now
    )
    async with UnitOfWork(db) as uow:
        count, oldest = (await uow.session.execute(query)).one()
        checkins = await uow.safety.open_count(now)
        failing = len(await uow.safety.failing(now - 2 * grace, now))
    age = (now - oldest).total_seconds() if oldest is not None else 0.0
    return Backlog(int(count), max(age, 0.0), checkins, failing)


@dataclass(frozen=True)
class Health:
    database: bool
    updates_flowing: bool
    backlog: Backlog | None

    @property
    def ok(self) -> bool:
        # A safety alert that reached nobody is a failure someone must look at now.
        failing = self.backlog.failing_alerts if self.backlog else 0
        return self.database and self.updates_flowing and not failing

    def body(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "unhealthy",
            "database": "ok" if self.database else "unreachable",
            "updates_flowing": self.updates_flowing,
            "due_unsent": self.backlog.due_unsent if self.backlog else None,
            "oldest_due_age_seconds": (
                round(self.backlog.oldest_due_age_seconds, 1) if self.backlog else None
            ),
            # Safety alerts (SPEC §8) due that reached no coordinator (tried again).
            "failing_alerts": self.backlog.failing_alerts if self.backlog else None,
        }


def updates_flowing(app: Any) -> bool:
    """Whether the Application is taking updates (by polling or by its webhook)."""
    updater = getattr(app, "updater", None)
    return bool(app.running and updater is not None and updater.running)


def _grace(app: Any) -> timedelta:
    settings = getattr(getattr(app, "bot_data", None), "settings", None)
    minutes = getattr(settings, "safety_grace_minutes", None)
    return timedelta(minutes=minutes) if isinstance(minutes, int) else DEFAULT_GRACE


async def _read_backlog(
    db: Database, now: datetime, grace: timedelta = DEFAULT_GRACE
) -> Backlog | None:
    try:
        return await asyncio.wait_for(backlog(db, now, grace), DATABASE_TIMEOUT_SECONDS)
    except Exception as error:  # whatever the driver raises, the answer is "unreachable"
        log.warning("health: the database did not answer (%s)", type(error).__name__)
        return None


async def check(app: Any, db: Database, now: datetime) -> Health:
    """The bot's health now: the database answers, updates are taken, the backlog."""
    found = await _read_backlog(db, now, _grace(app))
    return Health(database=found is not None, updates_flowing=updates_flowing(app), backlog=found)


def set_gauges(found: Backlog) -> None:
    metrics.DUE_UNSENT.set(found.due_unsent)
    metrics.OLDEST_DUE_AGE.set(found.oldest_due_age_seconds)
    metrics.OPEN_CHECKINS.set(found.open_checkins)


def _clock(app: Any) -> Callable[[], datetime]:
    clock = getattr(getattr(app, "bot_data", None), "clock", None)
    return clock if callable(clock) else (lambda: datetime.now(UTC))


def health_app(app: Any, db: Database) -> web.Application:
    """The aiohttp application that answers /healthz and /metrics for `app`."""
    now = _clock(app)

    async def healthz(request: web.Request) -> web.Response:
        health = await check(app, db, now())
        if health.backlog is not None:
            set_gauges(health.backlog)
        return web.json_response(health.body(), status=200 if health.ok else 503)

    async def scrape(request: web.Request) -> web.Response:
        found = await _read_backlog(db, now(), _grace(app))
        if found is not None:  # else the gauges keep their last reading
            set_gauges(found)
        answer = web.Response(body=generate_latest(metrics.REGISTRY))
        answer.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return answer

    server = web.Application()
    server.router.add_get("/healthz", healthz)
    server.router.add_get("/metrics", scrape)
    return server


@asynccontextmanager
async def serving_health(app: Any, settings: Settings, db: Database) -> AsyncIterator[None]:
    """Serve the health check and the metrics for as long as the block runs."""
    if settings.health_port is None:
        yield
        return
    # No access log: a scrape every few seconds would drown the bot's own lines.
    runner = web.AppRunner(health_app(app, db), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.webhook_listen, settings.health_port).start()
        log.info("health and metrics on %s:%s", settings.webhook_listen, settings.health_port)
        yield
    finally:
        await runner.cleanup()
