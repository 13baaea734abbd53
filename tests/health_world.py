"""What the health tests share: /healthz and /metrics served for a harness's bot, read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families

from bot.health import serving_health
from storage.db import Database
from tests.harness import Harness
from tests.test_webhook import free_port


@dataclass
class Monitor:
    """What a load balancer and Prometheus see on HEALTH_PORT."""

    base: str

    async def healthz(self) -> tuple[int, dict[str, Any]]:
        async with ClientSession() as client, client.get(f"{self.base}/healthz") as answer:
            return answer.status, await answer.json()

    async def metrics(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        """Every sample: (name, sorted labels) -> value."""
        async with ClientSession() as client, client.get(f"{self.base}/metrics") as answer:
            assert answer.status == 200
            assert answer.headers["Content-Type"].startswith("text/plain")
            text = await answer.text()
        return {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }


def total(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str) -> float:
    """The sum of a metric's samples over all its labels (0 when it has none yet)."""
    return sum(value for (found, _), value in samples.items() if found == name)


@asynccontextmanager
async def monitored(bot: Harness, db: Database | None = None) -> AsyncIterator[Monitor]:
    """Serve health for the harness's running bot on a free HEALTH_PORT."""
    settings = replace(bot.settings, health_port=free_port())
    async with serving_health(bot.app, settings, db or bot.db):
        yield Monitor(f"http://{settings.webhook_listen}:{settings.health_port}")
