"""`peerbot run` while Telegram cannot be reached: one line, waiting with back-off, no crash.

A service manager restarting a crashed bot every second is no help when the network is
down; the bot waits by itself, says so in one line each try, and starts once Telegram
answers (issue 12, defect 9).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from itertools import islice
from pathlib import Path

import pytest

from bot.app import build_application, retry_delays, start_when_reachable, stop_app
from bot.config import Settings
from bot.localapi import LocalBotApi
from storage.db import open_database
from tests.conftest import Clock
from tests.test_cli import COMMAND, clean_env
from tests.test_webhook import free_port

WAITING = "Telegram cannot be reached"


def test_the_waits_double_from_one_second_to_a_minute() -> None:
    assert list(islice(retry_delays(), 9)) == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert list(islice(retry_delays(first=0.5, cap=3), 5)) == [0.5, 1, 2, 3, 3]


async def _start(tmp_path: Path, api: LocalBotApi) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *COMMAND,
        "run",
        cwd=tmp_path,
        env=clean_env(
            TELEGRAM_BOT_TOKEN=api.token,
            TELEGRAM_BASE_URL=api.base_url,
            TELEGRAM_BASE_FILE_URL=api.base_file_url,
            DATABASE_URL=f"sqlite:///{tmp_path}/peerbot.db",
        ),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def _lines_saying(process: asyncio.subprocess.Process, text: str, count: int) -> list[str]:
    """Read stderr until `count` lines have said `text`; every line read is returned."""
    assert process.stderr is not None
    lines: list[str] = []
    while sum(text in line for line in lines) < count:
        line = (await asyncio.wait_for(process.stderr.readline(), timeout=30)).decode()
        assert line, f"stderr ended ({process.returncode=}): {''.join(lines)}"
        lines.append(line)
    return lines


async def _stop(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    return err.decode()


async def test_run_waits_for_telegram_then_starts_and_stops_cleanly(tmp_path: Path) -> None:
    # Nothing listens on the port yet: every connection is refused.
    api = LocalBotApi(port=free_port())
    bot = await _start(tmp_path, api)
    try:
        # Two tries, so it is trying again rather than about to die.
        before = await _lines_saying(bot, WAITING, 2)
        assert bot.returncode is None
        waiting = [line for line in before if WAITING in line]
        assert all(line.endswith("\n") and api.token not in line for line in waiting), waiting
        assert "Traceback" not in "".join(before), "".join(before)

        async with api:
            replies = await api.person("Robin").send("/start", timeout=30)
            assert replies, "the bot never answered once Telegram could be reached"
            assert "getMe" in [call.method for call in api.calls]
            err = await _stop(bot)
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    assert bot.returncode == 0, err[-2000:]
    everything = "".join(before) + err
    assert "Traceback" not in everything, everything[-2000:]
    assert api.token not in everything and "Robin" not in everything


async def test_sigterm_while_waiting_for_telegram_exits_0(tmp_path: Path) -> None:
    api = LocalBotApi(port=free_port())
    bot = await _start(tmp_path, api)
    try:
        before = await _lines_saying(bot, WAITING, 1)
        started = asyncio.get_running_loop().time()
        err = await _stop(bot)
        # It was waiting, not busy: it stops well before its next try would end.
        assert asyncio.get_running_loop().time() - started < 10
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    assert bot.returncode == 0, err[-2000:]
    everything = "".join(before) + err
    assert "Traceback" not in everything, everything[-2000:]
    assert api.token not in everything


async def test_a_failure_after_getme_is_tried_again_and_the_webhook_comes_up(
    database_url: str, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    # getMe answers, then setWebhook gets a 502 twice: the half-started app is taken down
    # and started again, and its webhook server binds its port the third time.
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    async with LocalBotApi() as api:
        api.fail("setWebhook", status=502, times=2)
        settings = Settings(
            telegram_bot_token=api.token,
            telegram_base_url=api.base_url,
            telegram_base_file_url=api.base_file_url,
            database_url=database_url,
            webhook_url=url,
            webhook_secret="startup-secret",
            webhook_listen="127.0.0.1",
            webhook_port=port,
        )
        db = open_database(database_url)
        app = build_application(settings, db, clock=clock)
        try:
            with caplog.at_level(logging.WARNING, logger="bot.app"):
                assert await start_when_reachable(app, settings, asyncio.Event(), delays=[0.01] * 5)
            assert (api.webhook_url, api.webhook_secret) == (url, "startup-secret")
            replies = await api.person("Robin").send("/start", timeout=30)
            assert replies
        finally:
            await stop_app(app)
            await db.dispose()
    waits = [r.getMessage() for r in caplog.records if WAITING in r.getMessage()]
    assert len(waits) == 2 and all(api.token not in w for w in waits), waits


async def test_too_many_requests_at_start_waits_what_telegram_asks(
    database_url: str, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    # The rate limiter tries getMe 3 more times itself; the 4th 429 reaches the start loop,
    # which waits the second Telegram asked for, not its own 0.01 s.
    async with LocalBotApi() as api:
        api.fail("getMe", status=429, retry_after=1, times=4)
        settings = Settings(
            telegram_bot_token=api.token,
            telegram_base_url=api.base_url,
            telegram_base_file_url=api.base_file_url,
            database_url=database_url,
        )
        db = open_database(database_url)
        app = build_application(settings, db, clock=clock)
        try:
            with caplog.at_level(logging.WARNING, logger="bot.app"):
                assert await start_when_reachable(app, settings, asyncio.Event(), delays=[0.01] * 5)
            assert [c.method for c in api.calls].count("getMe") == 5
        finally:
            await stop_app(app)
            await db.dispose()
    asked = [r.getMessage() for r in caplog.records if "asks us to wait" in r.getMessage()]
    assert len(asked) == 1 and "trying again in 1 s" in asked[0], asked


async def test_stop_while_waiting_returns_false_with_nothing_running(
    database_url: str, clock: Clock
) -> None:
    api = LocalBotApi(port=free_port())  # never started: nothing listens
    settings = Settings(
        telegram_bot_token=api.token,
        telegram_base_url=api.base_url,
        telegram_base_file_url=api.base_file_url,
        database_url=database_url,
    )
    db = open_database(database_url)
    app = build_application(settings, db, clock=clock)
    stop = asyncio.Event()
    asyncio.get_running_loop().call_later(0.5, stop.set)
    try:
        assert not await asyncio.wait_for(start_when_reachable(app, settings, stop), 10)
        assert not app.running
    finally:
        await stop_app(app)
        await db.dispose()
