"""Through the real bot: what a person does plans its deliveries at once, before any tick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage.models import Delivery
from storage.repositories.deliveries import PENDING
from tests.harness import Harness

TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 09:00 in London


async def waiting(bot: Harness) -> dict[str, datetime]:
    async with bot.uow() as uow:
        rows = await uow.session.scalars(select(Delivery).where(Delivery.state == PENDING))
        return {d.kind: d.due_at for d in rows}


async def test_a_session_booked_with_schedule_waits_in_the_ledger_before_any_tick(
    bot: Harness,
) -> None:
    bot.clock.set(TUESDAY)
    _, worker, _peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-01 13:00")
    starts = TUESDAY.replace(hour=13)
    assert await waiting(bot) == {
        "summary": starts - timedelta(hours=2),
        "outcome_prompt": starts + timedelta(hours=1),
    }
    bot.clock.set(TUESDAY.replace(hour=11))
    await bot.tick(2)
    assert sum(m.text.startswith("Before your session") for m in worker.messages if m.text) == 1
