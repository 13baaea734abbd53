"""/healthz and /metrics on HEALTH_PORT while `peerbot run` runs (SPEC §6); off when unset."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.config import Settings
from storage.db import Database


@asynccontextmanager
async def serving_health(app: Any, settings: Settings, db: Database) -> AsyncIterator[None]:
    """Serve the health check and the metrics for as long as the block runs."""
    yield
