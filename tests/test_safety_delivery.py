"""Safety messages are delivered like nothing else is (issue #15.4): alerts before a burst
of reminders, an alert that reaches nobody logged, shown failing and tried again, and two
senders at once sending each alert once."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import timedelta

import pytest

from bot import health
from bot.services import deliveries, safety
from drills.common import seed_due_reminders
from storage.models import Programme
from storage.uow import UnitOfWork
from tests import factories
from tests.deliveries_world import london
from tests.safety_world import CONFIG, ENDS, GRACE, MINUTE, NOW, SESSION, Safety, alerts


async def test_an_alert_is_claimed_before_a_burst_of_reminders(s: Safety) -> None:
    at = london(2026, 6, 9, 12)
    await seed_due_reminders(s.w.db, 300, at)
    async with UnitOfWork(s.w.db) as uow:
        await deliveries.plan(uow, now=at, default_timezone="Europe/London")
    async with s.uow(at) as uow:
        await safety.sos(uow, s.w.worker.telegram_id, now=at + MINUTE, config=CONFIG)
    async with UnitOfWork(s.w.db) as uow:
        claimed = await deliveries.claim(
            uow, owner="a", now=at + MINUTE, lease=timedelta(minutes=5), limit=10
        )
    kinds = [row.kind for row in claimed]
    assert kinds[:2] == ["safety_alert", "safety_alert"]  # due last, claimed first
    assert kinds.count("reminder_hour_before") == 8


async def test_an_alert_that_reaches_no_coordinator_is_logged_failing_and_tried_again(
    s: Safety, caplog: pytest.LogCaptureFixture
) -> None:
    for coordinator in (s.w.coordinator, s.second):
        assert coordinator.telegram_id is not None
        s.w.api.block(coordinator.telegram_id)
    await s.turn_on(NOW)
    await s.book(SESSION, NOW)
    alert_at = ENDS + 2 * GRACE
    await s.run(SESSION, alert_at, MINUTE)
    found = await health.backlog(s.w.db, alert_at + MINUTE, GRACE)
    assert found.failing_alerts == 1 and found.open_checkins == 1
    with caplog.at_level(logging.ERROR):
        await s.run(alert_at + MINUTE, alert_at + 3 * MINUTE, MINUTE)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and all("reached no coordinator" in r.getMessage() for r in errors)
    assert all("Wren" not in r.getMessage() for r in caplog.records)  # ids, never names
    tried = Counter(d.recipient_id for d in await s.ledger() if d.kind == "safety_alert")
    assert tried[s.w.coordinator.id] >= 3 and tried[s.second.id] >= 3  # round after round
    assert s.second.telegram_id is not None
    s.w.api.unblock(s.second.telegram_id)
    await s.run(alert_at + 4 * MINUTE, alert_at + 10 * MINUTE, MINUTE)
    assert len(alerts(s.texts(s.second))) == 1  # reached, once; then no more rounds
    assert (await health.backlog(s.w.db, alert_at + 10 * MINUTE, GRACE)).failing_alerts == 0


async def test_with_no_coordinator_at_all_the_alert_is_failing(s: Safety) -> None:
    async with UnitOfWork(s.w.db) as uow:
        for coordinator in (s.w.coordinator, s.second):
            person = await uow.people.get(coordinator.id)
            assert person is not None
            person.left_at = NOW
        await uow.commit()
    async with s.uow(NOW) as uow:
        assert await safety.sos(uow, s.w.worker.telegram_id, now=NOW, config=CONFIG) == []
    await s.run(NOW, NOW + 2 * MINUTE, MINUTE)
    assert (await health.backlog(s.w.db, NOW + 2 * MINUTE, GRACE)).failing_alerts == 1


async def test_two_senders_at_once_send_each_alert_once(s: Safety) -> None:
    if s.w.db.is_sqlite:
        pytest.skip("two senders at once need PostgreSQL")
    await s.turn_on(NOW)
    async with s.uow(NOW) as uow:
        programme = await uow.session.get(Programme, s.w.programme_id)
        assert programme is not None
        for i in range(12):
            await factories.session(uow, programme, SESSION + i * MINUTE, now=NOW)
        await uow.commit()
    a, b = s.engine("replica-a"), s.engine("replica-b")
    now = SESSION
    while now <= ENDS + 2 * GRACE + 15 * MINUTE:
        await asyncio.gather(a.tick(now), b.tick(now))
        now += MINUTE
    for coordinator in (s.w.coordinator, s.second):
        assert len(alerts(s.texts(coordinator))) == 12
    assert len([x for x in s.texts(s.w.worker) if x.startswith("Are you safe?")]) == 12
    senders = Counter(d.claimed_by for d in await s.ledger() if d.state == "sent")
    print(f"alerts and asks sent by each replica: {dict(senders)}")
