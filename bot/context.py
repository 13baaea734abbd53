"""What every handler and job can reach: settings, the database and the clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bot.config import Settings
from storage.db import Database
from storage.uow import UnitOfWork


def utc_now() -> datetime:
    return datetime.now(UTC)


class BotData:
    """`application.bot_data`: filled in once by the app factory."""

    settings: Settings
    db: Database
    clock: Callable[[], datetime] = staticmethod(utc_now)
    # The commands the app has handlers for: menus and /help list only these.
    commands: frozenset[str] = frozenset()

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.db)

    def now(self) -> datetime:
        return self.clock()
