"""Forged and extreme values get a clear answer and store nothing (issue 12, defect 7)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot import texts
from bot.callbacks import BIGGEST
from bot.localapi import Person
from tests.edges_world import rows
from tests.harness import Harness

TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def no_apology(person: Person) -> None:
    said = [str(m.text or "") for m in person.messages] + [str(person.last_answer or "")]
    assert not [s for s in said if texts.SOMETHING_WENT_WRONG in s]


async def booked(bot: Harness) -> tuple[Person, Person]:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-03 10:00")
    return worker, peer


async def calendars_still_work(worker: Person, peer: Person) -> None:
    for person in (worker, peer):
        replies = await person.send("/calendar")
        assert replies[-1].filename == "peerbot-sessions.ics"


async def test_a_forged_huge_session_id_is_out_of_date(bot: Harness) -> None:
    worker, peer = await booked(bot)
    before = await rows(bot)
    await peer.press_data("ses:ok:99999999999999999999:1", message=peer.last)
    assert peer.last_answer is not None and peer.last_answer.startswith("This has changed")
    no_apology(peer)
    assert await rows(bot) == before
    await calendars_still_work(worker, peer)


async def test_a_forged_day_beyond_the_calendar_is_refused(bot: Harness) -> None:
    worker, peer = await booked(bot)
    await worker.send("/schedule")
    await worker.press("Sam")
    assert worker.last.text == "Which day?"
    before = await rows(bot)
    await worker.press_data("sch:day:99999999", message=worker.last)
    assert worker.last_answer  # a pop-up saying why, not silence
    no_apology(worker)
    assert await rows(bot) == before
    await calendars_still_work(worker, peer)


async def test_huge_rearrange_times_are_refused(bot: Harness) -> None:
    worker, peer = await booked(bot)
    offer = (await peer.press("Rearrange"))[-1]
    before = await rows(bot)
    for moment in ("99999999999999999999", str(BIGGEST)):  # beyond the codec, and year 6053
        await peer.press_data(f"rea:pick:1:1:{moment}", message=offer)
        assert peer.last_answer, moment
        no_apology(peer)
    assert await rows(bot) == before
    assert not [m for m in worker.messages if str(m.text).startswith("Sam would like")]
    await calendars_still_work(worker, peer)


async def test_a_session_at_the_end_of_the_calendar_is_refused(bot: Harness) -> None:
    worker, peer = await booked(bot)
    before = await rows(bot)
    for at in ("23:30", "10:00"):
        replies = await worker.send(f"/schedule Sam 9999-12-31 {at}")
        assert replies[0].text.startswith(("That's more than a year ahead", "I couldn't read")), at
        no_apology(worker)
    assert await rows(bot) == before
    await calendars_still_work(worker, peer)


async def test_a_session_two_years_ahead_is_refused(bot: Harness) -> None:
    worker, peer = await booked(bot)
    before = await rows(bot)
    replies = await worker.send("/schedule Sam 2028-12-01 10:00")
    assert replies[0].text == (
        "That's more than a year ahead. Please pick a date within the next 366 days."
    )
    assert await rows(bot) == before
    await calendars_still_work(worker, peer)
