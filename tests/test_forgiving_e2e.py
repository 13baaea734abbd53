"""Forgiving names and zones, and one date parser that says what is wrong (issue 13,
points 7 and 8), as a peer worker sees them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from bot.texts import reminders as tr, schedule as tsch
from storage.models import PeerSession, Person as PersonRow
from tests.harness import Harness

TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Tue 1 Dec 2026, London = UTC
SIAN = "Siân O'Connor-Nguyễn"


async def starts(bot: Harness) -> list[datetime]:
    async with bot.uow() as uow:
        found = await uow.session.scalars(select(PeerSession.starts_at).order_by(PeerSession.id))
        return list(found)


async def set_zone(bot: Harness, telegram_id: int, zone: str) -> None:
    async with bot.uow() as uow:
        await uow.session.execute(
            update(PersonRow).where(PersonRow.telegram_id == telegram_id).values(timezone=zone)
        )
        await uow.commit()


async def test_a_name_is_found_whatever_its_case_accents_or_emoji(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    coordinator = await bot.join_coordinator()
    worker = await bot.join_worker(coordinator)
    await bot.join_peer(worker, SIAN, "Siân")
    [reply] = await worker.send("/schedule sian 2026-12-03 10:00")
    assert (reply.text or "").startswith("Scheduled: Thu 3 Dec, 10:00")
    [reply] = await worker.send("/schedule Siân 🌻 O’CONNOR-NGUYEN 2026-12-04 10:00")
    assert (reply.text or "").startswith("Scheduled: Fri 4 Dec, 10:00")
    [summary] = await worker.send("/summary Siân")
    assert "Siân" in (summary.text or "") and "find a peer" not in (summary.text or "")
    [summary] = await worker.send("/summary nguyen")
    assert "find a peer" not in (summary.text or "")


async def test_several_peers_that_fit_a_name_are_offered_as_buttons(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    coordinator = await bot.join_coordinator()
    worker = await bot.join_worker(coordinator)
    await bot.join_peer(worker, "Sam", "Sam")
    await bot.join_peer(worker, "Samira", "Samira")
    [ask] = await worker.send("/schedule sa 2026-12-03 10:00")
    assert "More than one of your peers could be “sa”" in (ask.text or "")
    assert [b.text for row in ask.buttons for b in row] == ["Sam", "Samira"]
    [days] = await worker.press("Samira", message=ask)
    assert days.text == tsch.PICK_DAY
    [ask] = await worker.send("/summary SA")
    assert [b.text for row in ask.buttons for b in row] == ["Sam", "Samira"]
    [reply] = await worker.send("/schedule sam 2026-12-03 10:00")  # the whole name: Sam
    assert (reply.text or "").startswith("Scheduled: Thu 3 Dec, 10:00 — Sam,") or (
        "— Sam (" in (reply.text or "")
    )


async def test_no_such_peer_is_said_one_way_everywhere(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, _ = await bot.team()
    [by_schedule] = await worker.send("/schedule Nobody 2026-12-03 10:00")
    [by_summary] = await worker.send("/summary Nobody")
    assert by_schedule.text == by_summary.text
    assert by_schedule.text == "I can't find a peer of yours called “Nobody”. /peers lists them."


async def test_a_time_zone_is_found_whatever_its_case(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, _ = await bot.team()
    [panel] = await worker.send("/settings")
    await worker.press(tr.BUTTON_TIMEZONE, message=panel)
    [panel] = await worker.send("america/new_york")
    assert "Time zone: America/New_York." in (panel.text or "")


async def test_a_date_that_does_not_exist_says_so(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, _ = await bot.team()
    [reply] = await worker.send("/schedule Sam 2026-02-31 10:00")
    assert reply.text == "There is no 2026-02-31: February 2026 has 28 days. Please check the day."
    [reply] = await worker.send("/schedule Sam 31/4 10:00")
    assert reply.text == "There is no 31/4: April has 30 days. Please check the day."


async def test_dates_and_times_as_people_write_them(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, _ = await bot.team()
    for line in (
        "/schedule Sam tomorrow 6pm",
        "/schedule Sam Thursday 18.00",
        "/schedule Sam 31/12 10:00",
        "/schedule Sam 30 Dec 2pm",
        "/schedule Sam 5 Jan 9:30 am 45",
    ):
        [reply] = await worker.send(line)
        assert (reply.text or "").startswith("Scheduled:"), (line, reply.text)
    assert await starts(bot) == [
        datetime(2026, 12, 2, 18, 0, tzinfo=UTC),
        datetime(2026, 12, 3, 18, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 10, 0, tzinfo=UTC),
        datetime(2026, 12, 30, 14, 0, tzinfo=UTC),
        datetime(2027, 1, 5, 9, 30, tzinfo=UTC),
    ]


async def test_tomorrow_is_the_workers_tomorrow(bot: Harness) -> None:
    bot.clock.set(datetime(2026, 12, 1, 23, 30, tzinfo=UTC))  # already Wednesday in Paris
    _, worker, _ = await bot.team()
    await set_zone(bot, worker.user_id, "Europe/Paris")
    [reply] = await worker.send("/schedule Sam tomorrow 10:00")
    assert (reply.text or "").startswith("Scheduled: Thu 3 Dec, 10:00")
    assert await starts(bot) == [datetime(2026, 12, 3, 9, 0, tzinfo=UTC)]


async def test_dates_either_side_of_the_clocks_going_forward(bot: Harness) -> None:
    bot.clock.set(datetime(2027, 3, 26, 9, 0, tzinfo=UTC))  # Fri; clocks go forward Sun 28th
    _, worker, _ = await bot.team()
    await worker.send("/schedule Sam Saturday 10:00")  # GMT
    await worker.send("/schedule Sam Monday 10:00")  # BST
    [skipped] = await worker.send("/schedule Sam Sunday 1:30")
    assert (skipped.text or "").startswith("01:30 doesn't exist that day")
    assert await starts(bot) == [
        datetime(2027, 3, 27, 10, 0, tzinfo=UTC),
        datetime(2027, 3, 29, 9, 0, tzinfo=UTC),
    ]


async def test_a_date_not_within_six_months_shows_its_year(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    coordinator = await bot.join_coordinator()
    worker = await bot.join_worker(coordinator)
    peer = await bot.join_peer(worker, "Sam", "Sam")
    [near] = await worker.send("/schedule Sam 2027-05-20 10:00")
    assert (near.text or "").startswith("Scheduled: Thu 20 May, 10:00")
    [far] = await worker.send("/schedule Sam 2027-08-19 10:00")
    assert (far.text or "").startswith("Scheduled: Thu 19 Aug 2027, 10:00")
    [listed] = await peer.send("/sessions")
    assert "Thu 20 May, 10:00" in (listed.text or "")
    assert "Thu 19 Aug 2027, 10:00" in (listed.text or "")
