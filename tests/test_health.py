"""HEALTH_PORT (SPEC §6): /healthz for a load balancer, /metrics for Prometheus."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import make_url

from bot.app import stop_app
from bot.config import ConfigError, from_env
from drills.outage import Relay
from storage.db import open_database
from storage.models import Delivery
from tests import factories
from tests.conftest import BACKENDS, Clock
from tests.harness import Harness, running_bot
from tests.health_world import monitored, total

NOON = datetime(2026, 6, 10, 12, tzinfo=UTC)


def test_health_port_is_off_by_default_and_read_when_set() -> None:
    assert from_env({}).health_port is None
    assert from_env({"HEALTH_PORT": "9100"}).health_port == 9100
    with pytest.raises(ConfigError, match=r"^HEALTH_PORT: must be between 1 and 65535"):
        from_env({"HEALTH_PORT": "0"})


async def test_nothing_listens_when_health_port_is_unset(bot: Harness) -> None:
    from bot.health import serving_health

    assert bot.settings.health_port is None
    async with serving_health(bot.app, bot.settings, bot.db):
        pass  # no server, no error


async def test_healthz_is_200_while_updates_are_taken_and_503_once_they_stop(
    bot: Harness,
) -> None:
    async with monitored(bot) as monitor:
        status, body = await monitor.healthz()
        assert status == 200
        assert body == {
            "status": "ok",
            "database": "ok",
            "updates_flowing": True,
            "due_unsent": 0,
            "oldest_due_age_seconds": 0.0,
            "failing_alerts": 0,
        }
        assert bot.app is not None
        await stop_app(bot.app)
        status, body = await monitor.healthz()
        assert status == 503
        assert body["status"] == "unhealthy" and body["updates_flowing"] is False


async def test_healthz_is_503_when_the_database_does_not_answer(bot: Harness) -> None:
    down = open_database("sqlite+aiosqlite:////nonexistent/peerbot/down.db")
    try:
        async with monitored(bot, down) as monitor:
            status, body = await monitor.healthz()
    finally:
        await down.dispose()
    assert status == 503
    assert body["database"] == "unreachable" and body["due_unsent"] is None


@pytest.mark.parametrize("database_url", [BACKENDS[1]], indirect=True)
async def test_healthz_turns_503_when_the_database_goes_away_and_200_when_it_returns(
    database_url: str, clock: Clock
) -> None:
    target = make_url(database_url)
    async with Relay(target.port or 5432) as relay:
        via_relay = target.set(port=relay.port).render_as_string(hide_password=False)
        async with running_bot(via_relay, clock) as bot, monitored(bot) as monitor:
            assert (await monitor.healthz())[0] == 200
            relay.refusing = True
            relay.cut()
            status, body = await monitor.healthz()
            assert status == 503 and body["database"] == "unreachable"
            relay.refusing = False
            for _ in range(20):  # the pool notices the way back on its next checkout
                status, body = await monitor.healthz()
                if status == 200:
                    break
                await asyncio.sleep(0.25)
            assert status == 200 and body["database"] == "ok"


async def test_metrics_report_the_due_backlog_and_its_oldest_age_from_the_database(
    bot: Harness,
) -> None:
    bot.clock.set(NOON)
    async with bot.uow() as uow:
        peer = await factories.person(uow, "peer", "Sam", telegram_id=4001, now=NOON)
        for n, minutes_ago in enumerate((90, 5, -30)):  # two due, one not yet
            uow.session.add(
                Delivery(
                    key=f"test:{n}",
                    kind="digest",
                    recipient_id=peer.id,
                    due_at=NOON - timedelta(minutes=minutes_ago),
                )
            )
        await uow.commit()
    # Stop the bot's own tick from sending them while we look.
    assert bot.app is not None and bot.app.job_queue is not None
    bot.app.job_queue.scheduler.pause()
    async with monitored(bot) as monitor:
        samples = await monitor.metrics()
        status, body = await monitor.healthz()
    assert total(samples, "peerbot_deliveries_due_unsent") == 2
    assert total(samples, "peerbot_deliveries_oldest_due_age_seconds") == 90 * 60
    assert total(samples, "peerbot_safety_checkins_open") == 0
    assert status == 200
    assert (body["due_unsent"], body["oldest_due_age_seconds"]) == (2, 5400.0)
    values = {value for _, labels in samples for _, value in labels}
    assert not any("Sam" in value or "4001" in value for value in values)


async def test_metrics_count_an_update_and_a_delivery(database_url: str, clock: Clock) -> None:
    clock.set(NOON)
    async with (
        running_bot(database_url, clock, scheduler_tick_seconds=1) as bot,
        monitored(bot) as monitor,
    ):
        _, worker, peer = await bot.team()
        await peer.press("An hour before")
        await worker.send(f"/schedule Sam {(NOON + timedelta(days=1)).date()} 10:00")
        before = await monitor.metrics()
        await peer.send("/help")
        clock.advance(hours=20, minutes=1)  # the hour before the session
        loop = asyncio.get_running_loop()
        assert await bot.api.wait_for(
            lambda: any("starts in about an hour" in (m.text or "") for m in peer.messages),
            loop.time() + 10,
        )
        handled = "peerbot_updates_handled_total"
        delivered = "peerbot_deliveries_total"
        # The reminder is counted once its result is written, a moment after Telegram has it.
        deadline = loop.time() + 10
        after = await monitor.metrics()
        while total(after, delivered) == total(before, delivered) and loop.time() < deadline:
            await asyncio.sleep(0.05)
            after = await monitor.metrics()
    assert total(after, handled) - total(before, handled) >= 1
    assert total(after, delivered) - total(before, delivered) >= 1
