"""What every handler and job can reach: settings, the database and the clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bot.config import Settings
from bot.services import delivery_ahead
from bot.services.safety_plan import SafetyConfig
from storage.db import Database
from storage.uow import UnitOfWork
from storage.uow_notes import Touched


def utc_now() -> datetime:
    return datetime.now(UTC)


class BotData:
    """`application.bot_data`: filled in once by the app factory."""

    settings: Settings
    db: Database
    clock: Callable[[], datetime] = staticmethod(utc_now)
    # The commands the app has handlers for: menus and /help list only these.
    commands: frozenset[str] = frozenset()

    def uow(self, *, autocommit: bool = False) -> UnitOfWork:
        """A unit of work whose commit plans the deliveries of what it changed (`autocommit`:
        one that only reads or makes one write, storage/uow.py)."""
        return UnitOfWork(self.db, planner=self._plan_deliveries, autocommit=autocommit)

    async def _plan_deliveries(self, uow: UnitOfWork, touched: Touched) -> None:
        await delivery_ahead.replan(
            uow,
            touched,
            now=self.now(),
            default_timezone=self.settings.timezone,
            safety=SafetyConfig.of(self.settings),
        )

    def now(self) -> datetime:
        return self.clock()
