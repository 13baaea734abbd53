"""Short runs of the drills (drills/): the faults one and a 300-update fuzz, in CI.

The full runs (and crash, replicas) need a PostgreSQL server and minutes; see README.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from itertools import count
from pathlib import Path

import pytest

from drills import faults, fuzz, safety
from tests.conftest import PG_URL


@pytest.fixture
def sqlite_databases(
    sqlite_template: Path, tmp_path: Path
) -> Callable[[str], AbstractAsyncContextManager[str]]:
    """A fresh migrated SQLite file per call, as drill_database gives on PostgreSQL."""
    numbers = count()

    @asynccontextmanager
    async def databases(name: str) -> AsyncIterator[str]:
        path = tmp_path / f"{name}_{next(numbers)}.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite+aiosqlite:///{path}"

    return databases


@pytest.mark.parametrize(
    "fault",
    [
        "429",
        "5xx",
        "timeout_before",
        "timeout_after",
        "403",
    ],
)
async def test_each_telegram_fault_is_honoured_and_nothing_is_lost(
    fault: str, sqlite_databases: Callable[[str], AbstractAsyncContextManager[str]]
) -> None:
    code, line = await faults.drill(10, [fault], sqlite_databases)
    assert code == 0, line


def test_a_short_fuzz_finds_no_errors_apologies_or_leaks(database_url: str) -> None:
    started = time.monotonic()
    counts = fuzz.fuzz(database_url, updates=300)  # derandomized: the same 300 each run
    line = fuzz.line(counts, time.monotonic() - started)
    assert counts.updates == 300, line
    assert (counts.errors, counts.apologies, counts.leaks) == (0, 0, 0), line


@pytest.mark.skipif(not PG_URL, reason="the safety drill runs `peerbot run` on PostgreSQL")
async def test_a_short_safety_drill_alerts_each_coordinator_once_through_kills(
    tmp_path: Path,
) -> None:
    import random

    code = await safety.drill(20, 5, 2, random.Random(7), tmp_path / "peerbot.log", spread=10)
    assert code == 0
