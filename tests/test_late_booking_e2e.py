"""A session booked after its summary time still gets its summary, at once (#13 point 11)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.harness import Harness

# 09:00 in London (UTC in December); the summary comes two hours before a session.
TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def summaries(texts: list[str]) -> list[str]:
    return [text for text in texts if text.startswith("Before your session with Sam")]


async def test_a_session_booked_inside_the_summary_lead_gets_its_summary_at_once(
    bot: Harness,
) -> None:
    bot.clock.set(TUESDAY)
    _, worker, _peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-01 10:00")
    await bot.tick(2)
    [summary] = summaries([m.text or "" for m in worker.messages])
    assert "10:00" in summary
    await bot.tick(2)  # and only once
    assert len(summaries([m.text or "" for m in worker.messages])) == 1


async def test_a_session_booked_with_time_to_spare_gets_its_summary_at_the_lead_time(
    bot: Harness,
) -> None:
    bot.clock.set(TUESDAY)
    _, worker, _peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-01 13:00")
    await bot.tick(2)
    assert summaries([m.text or "" for m in worker.messages]) == []
    bot.clock.set(TUESDAY.replace(hour=11, minute=1))
    await bot.tick(2)
    assert len(summaries([m.text or "" for m in worker.messages])) == 1
