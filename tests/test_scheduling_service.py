"""The scheduling service: one-line and guided /schedule, clashes, and free times."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.services import scheduling
from bot.services.errors import BadInput, Stale
from storage.db import Database
from storage.models import WorkerPrefs
from storage.uow import UnitOfWork
from tests.sessions_world import HOUR, NOW, WEDNESDAY_10, WREN, booked, world

LONDON = ZoneInfo("Europe/London")


async def test_one_line_books_a_session_in_the_workers_own_zone(db: Database) -> None:
    w = await world(db, worker_zone="America/New_York")
    async with UnitOfWork(db) as uow:
        view = await scheduling.schedule_line(
            uow, WREN, "Sam 2026-12-02 05:00 90 Community  room", now=NOW
        )
    assert (view.starts_at, view.minutes, view.place) == (WEDNESDAY_10, 90, "Community room")
    assert (view.peer_name, view.number, view.planned, view.status) == ("Sam", 1, 10, "awaiting")
    async with UnitOfWork(db) as uow:
        assert (await uow.prefs.worker(w.wren.id)).last_place == "Community room"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("Alex 2026-12-02 10:00", "no_such_peer"),
        ("2026-12-02 10:00", "schedule_no_peer"),
        ("Sam 2026-12-02", "time_missing"),
        ("Sam 2026-12-02 10:00 300", "length_out_of_range"),
        ("Sam 2026-11-29 10:00", "time_in_past"),
        ("Sam 2026-02-30 10:00", "date_nonexistent"),
        ("Sam 2028-01-03 10:00", "date_too_far"),
        ("Sam 9999-12-31 10:00", "date_unreadable"),
        ("Sam 2027-03-28 01:30", "time_skipped"),
    ],
)
async def test_a_line_that_cannot_be_booked_says_what_to_fix(
    db: Database, line: str, problem: str
) -> None:
    await world(db)
    async with UnitOfWork(db) as uow:
        with pytest.raises(BadInput) as refused:
            await scheduling.schedule_line(uow, WREN, line, now=NOW)
    assert refused.value.problem == problem


async def test_a_session_that_overlaps_another_clashes_and_one_just_after_does_not(
    db: Database,
) -> None:
    w = await world(db)
    await booked(db, w.programme, WEDNESDAY_10)
    async with UnitOfWork(db) as uow:
        with pytest.raises(BadInput) as refused:
            await scheduling.schedule_line(uow, WREN, "Sam 2026-12-02 10:30", now=NOW)
        assert refused.value.problem == "clash"
        assert await scheduling.clash(uow, w.wren.id, WEDNESDAY_10 - HOUR, 60) is None
        view = await scheduling.schedule_line(uow, WREN, "Sam 2026-12-02 11:00", now=NOW)
    assert view.number == 2


async def test_another_workers_session_is_no_clash(db: Database) -> None:
    w = await world(db)
    await booked(db, w.alex_programme, WEDNESDAY_10)
    async with UnitOfWork(db) as uow:
        assert await scheduling.clash(uow, w.wren.id, WEDNESDAY_10, 60) is None


async def test_the_guided_steps_book_a_session_and_remember_the_place(db: Database) -> None:
    w = await world(db)

    async def guided(place: str | None, use_last: bool, day: date) -> scheduling.SessionView:
        async with UnitOfWork(db) as uow:
            peers = await scheduling.guided_start(uow, WREN, now=NOW)
            assert [p.name for p in peers] == ["Sam"]
            zone, days = await scheduling.guided_peer(uow, WREN, w.programme.id, now=NOW)
            assert (zone, days[0], len(days)) == ("Europe/London", date(2026, 11, 30), 21)
            await scheduling.guided_day(uow, WREN, day, now=NOW)
            await scheduling.guided_time(uow, WREN, "10:00", now=NOW)
            places = await scheduling.guided_length(uow, WREN, 75, now=NOW)
            assert places == ([] if place else ["Library"])
            return await scheduling.guided_place(uow, WREN, place, use_last=use_last, now=NOW)

    first = await guided("Library", False, date(2026, 12, 2))
    assert (first.starts_at, first.minutes, first.place) == (WEDNESDAY_10, 75, "Library")
    second = await guided(None, True, date(2026, 12, 9))
    assert (second.place, second.number) == ("Library", 2)


async def test_a_guided_step_out_of_order_is_stale(db: Database) -> None:
    w = await world(db)
    async with UnitOfWork(db) as uow:
        await scheduling.guided_start(uow, WREN, now=NOW)
        with pytest.raises(Stale):
            await scheduling.guided_time(uow, WREN, "10:00", now=NOW)
        with pytest.raises(Stale):
            await scheduling.guided_peer(uow, WREN, w.alex_programme.id, now=NOW)
        await scheduling.guided_peer(uow, WREN, w.programme.id, now=NOW)
        with pytest.raises(Stale):
            await scheduling.guided_day(uow, WREN, date(2026, 12, 25), now=NOW)


def local(slots: list[datetime]) -> list[tuple[str, str]]:
    return [(f"{s.astimezone(LONDON):%a %d %b %H:%M}", f"{s:%H:%M} UTC") for s in slots]


async def free(db: Database, now: datetime, near: time, count: int = 3) -> list[datetime]:
    async with UnitOfWork(db) as uow:
        worker = await uow.people.by_telegram_id(WREN)
        assert worker is not None
        return await scheduling.free_slots(uow, worker, 60, now=now, near=near, count=count)


async def test_free_times_keep_the_local_hour_across_the_march_change(db: Database) -> None:
    await world(db)
    slots = await free(db, datetime(2026, 3, 26, 8, 0, tzinfo=UTC), time(10, 0))
    # Clocks go forward on Sunday 29 March: 10:00 in London is 10:00 UTC before, 09:00 after.
    assert local(slots) == [
        ("Fri 27 Mar 10:00", "10:00 UTC"),
        ("Mon 30 Mar 10:00", "09:00 UTC"),
        ("Tue 31 Mar 10:00", "09:00 UTC"),
    ]


async def test_free_times_keep_the_local_hour_across_the_october_change(db: Database) -> None:
    await world(db)
    slots = await free(db, datetime(2026, 10, 22, 8, 0, tzinfo=UTC), time(10, 0))
    # Clocks go back on Sunday 25 October: 09:00 UTC before, 10:00 UTC after.
    assert local(slots) == [
        ("Fri 23 Oct 10:00", "09:00 UTC"),
        ("Mon 26 Oct 10:00", "10:00 UTC"),
        ("Tue 27 Oct 10:00", "10:00 UTC"),
    ]


async def test_a_time_the_clocks_skip_is_never_offered(db: Database) -> None:
    w = await world(db)
    async with UnitOfWork(db) as uow:
        prefs = await uow.prefs.worker_to_change(w.wren.id)
        prefs.work_days, prefs.work_from, prefs.work_until = "7", time(1, 0), time(4, 0)
        await uow.commit()
    slots = await free(db, datetime(2026, 3, 28, 8, 0, tzinfo=UTC), time(1, 0), count=1)
    assert local(slots) == [("Sun 29 Mar 02:00", "01:00 UTC")]


async def test_free_times_are_read_without_writing_a_settings_row(db: Database) -> None:
    w = await world(db)
    await booked(db, w.programme, WEDNESDAY_10)
    slots = await free(db, NOW, time(10, 0), count=6)
    assert len(slots) == 6 and WEDNESDAY_10 not in slots
    async with UnitOfWork(db) as uow:
        assert await uow.session.scalar(select(func.count()).select_from(WorkerPrefs)) == 0
