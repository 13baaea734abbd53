"""The guided /schedule offers only what can be chosen (issue 13, point 9): no hour that has
passed today, the places this worker used before, and a typed length within bounds that
are said up front."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.localapi import Person
from bot.texts import schedule as tsch
from storage.models import PeerSession
from tests.harness import Harness

TUESDAY_1320 = datetime(2026, 12, 1, 13, 20, tzinfo=UTC)  # London = UTC in December


def labels(message: object) -> list[str]:
    return [b.text for row in message.buttons for b in row]  # type: ignore[attr-defined]


async def booked(bot: Harness) -> list[tuple[int, str | None]]:
    async with bot.uow() as uow:
        rows = await uow.session.scalars(select(PeerSession).order_by(PeerSession.id))
        return [(r.duration_minutes, r.place) for r in rows]


async def to_length(worker: Person, day: str = "Thu 3 Dec", at: str = "10:00") -> None:
    await worker.send("/schedule")
    await worker.press("Sam")
    await worker.press(day)
    await worker.press(at)


async def test_no_hour_that_has_passed_today_is_offered(bot: Harness) -> None:
    bot.clock.set(TUESDAY_1320)
    _, worker, _ = await bot.team()
    await worker.send("/schedule")
    [days] = await worker.press("Sam")
    assert labels(days)[0] == "Tue 1 Dec"
    [times] = await worker.press("Tue 1 Dec", message=days)
    assert labels(times) == ["14:00", "15:00", "16:00", "17:00"]

    bot.clock.set(datetime(2026, 12, 1, 17, 30, tzinfo=UTC))  # nothing left today
    await worker.send("/schedule")
    [days] = await worker.press("Sam")
    assert labels(days)[0] == "Wed 2 Dec"


async def test_the_places_used_before_are_offered_latest_first(bot: Harness) -> None:
    bot.clock.set(TUESDAY_1320)
    _, worker, _ = await bot.team()
    await worker.send("/schedule Sam 2026-12-02 10:00 60 Community room")
    bot.clock.advance(minutes=1)
    await worker.send("/schedule Sam 2026-12-02 12:00 60 Library")
    await to_length(worker)
    [where] = await worker.press("60 min")
    assert where.text == tsch.PICK_PLACE
    assert labels(where) == ["Library", "Community room", tsch.BUTTON_NO_PLACE]
    await worker.press("Community room", message=where)
    assert (await booked(bot))[-1] == (60, "Community room")


async def test_a_typed_length_works_and_the_bounds_are_said_up_front(bot: Harness) -> None:
    bot.clock.set(TUESDAY_1320)
    _, worker, _ = await bot.team()
    await to_length(worker)
    assert worker.last.text == "How long? Pick one, or type the minutes (15 to 240)."
    [refused] = await worker.send("300")
    assert refused.text == "A session can be 15 to 240 minutes long."
    [where] = await worker.send("45")
    assert where.text == tsch.PICK_PLACE
    await worker.send("Riverside Hub")
    assert await booked(bot) == [(45, "Riverside Hub")]
    [usage] = await worker.send("/schedule Sam")
    assert "[minutes, 15 to 240]" in (usage.text or "")
