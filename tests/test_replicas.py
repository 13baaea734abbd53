"""Two replicas behind a load balancer on one database (SPEC §7): any replica can take any
update, because conversation state lives in the database, and each due message is sent
by exactly one of them."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

from telegram import Update
from telegram.ext import TypeHandler

from bot.app import build_application, start_app, stop_app
from bot.config import Settings
from bot.localapi import LocalBotApi, watch_application
from scheduler import JOB_NAME
from storage.db import open_database
from tests.conftest import Clock
from tests.harness import Harness
from tests.test_webhook import free_port

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def test_two_replicas_share_the_work_and_send_each_reminder_once(
    database_url: str, clock: Clock
) -> None:
    clock.set(NOW)
    handled: Counter[str] = Counter()
    async with LocalBotApi() as api:
        replicas = []
        watches = []
        for name in ("a", "b"):
            port = free_port()
            settings = Settings(
                telegram_bot_token=api.token,
                telegram_base_url=api.base_url,
                telegram_base_file_url=api.base_file_url,
                database_url=database_url,
                scheduler_tick_seconds=1,
                webhook_url=f"http://127.0.0.1:{port}/telegram",
                webhook_secret="replica-secret",
                webhook_listen="127.0.0.1",
                webhook_port=port,
            )
            db = open_database(database_url)
            app = build_application(settings, db, clock=clock)

            async def count(update: Update, context: object, name: str = name) -> None:
                handled[name] += 1

            app.add_handler(TypeHandler(Update, count), group=-10)
            watches.append(watch_application(api, app))
            await start_app(app, settings)
            replicas.append((app, db, settings))
        # The load balancer: Telegram knows one address, updates go to each replica in turn.
        api.balance_across = [s.webhook_url or "" for _, _, s in replicas]
        try:
            bot = Harness(api, replicas[0][1], replace(replicas[0][2]), clock)
            _, worker, peer = await bot.team()
            await peer.press("An hour before")

            # A guided /schedule whose steps land on alternate replicas.
            await worker.send("/schedule")
            await worker.press("Sam")
            await worker.press("Tue 1 Dec")
            await worker.send("10:01")
            await worker.press("60 min")
            replies = await worker.press("Decide later")
            assert any(
                "Tue 1 Dec, 10:01 — Sam (60 min, 1 of 10)" in (m.text or "") for m in replies
            )
            assert handled["a"] >= 5 and handled["b"] >= 5

            # Both replicas tick every second; the reminder is due at 09:01.
            before = len(peer.messages)

            def reminders() -> list[str]:
                texts = [m.text or "" for m in peer.messages[before:]]
                return [t for t in texts if "starts in about an hour" in t]

            clock.set(datetime(2026, 12, 1, 9, 1, 30, tzinfo=UTC))
            deadline = asyncio.get_running_loop().time() + 10
            assert await api.wait_for(lambda: bool(reminders()), deadline)
            # Several more ticks of both replicas, at once.
            await asyncio.gather(*(watch.run_job(JOB_NAME, 3) for watch in watches))
            assert len(reminders()) == 1
        finally:
            for app, db, _ in replicas:
                await stop_app(app)
                await db.dispose()
