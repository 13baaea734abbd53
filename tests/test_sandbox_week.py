"""The sandbox's seeded week looks like a real one whatever the hour it starts (#13.15).

Sessions start in working hours (09:00-17:00, Monday to Friday, in the service's zone), in
the coming days, and last week's held session too; also around the clocks' changes.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.sandbox.seed import coming_week, held_slot
from storage.db import open_database
from storage.models import PeerSession
from tests.test_sandbox import sandbox

LONDON = ZoneInfo("Europe/London")
# Late evening, just past midnight, early morning, lunchtime, the end of a working day;
# a Friday night and a weekend; the nights the clocks go back (25 Oct) and forward (29 Mar).
STARTS = [
    "2026-12-08T21:15",
    "2026-12-09T00:05",
    "2026-12-09T06:30",
    "2026-12-09T12:59",
    "2026-12-09T16:01",
    "2026-12-11T21:15",
    "2026-12-12T10:00",
    "2026-12-13T23:45",
    "2026-10-24T21:15",
    "2026-10-25T01:30",
    "2026-03-28T21:15",
    "2026-03-29T01:30",
]


def in_working_hours(starts_at: datetime, minutes: int) -> bool:
    local = starts_at.astimezone(LONDON)
    ends = (starts_at + timedelta(minutes=minutes)).astimezone(LONDON)
    return (
        local.weekday() < 5
        and local.minute == 0
        and time(9) <= local.time()
        and ends.time() <= time(17)
        and ends.date() == local.date()
    )


@pytest.mark.parametrize("start", STARTS)
def test_the_coming_week_is_in_working_hours_in_the_coming_days(start: str) -> None:
    now = datetime.fromisoformat(start).replace(tzinfo=LONDON).astimezone(UTC)
    week = coming_week(now, LONDON)

    assert len(week) == 3
    assert all(in_working_hours(slot.starts_at, slot.minutes) for slot in week), week
    # The first soon enough that --speed shows its summary (2 hours before) and reminders.
    assert now + timedelta(hours=3) <= week[0].starts_at
    assert all(now < slot.starts_at < now + timedelta(days=7) for slot in week)
    days = [slot.starts_at.astimezone(LONDON).date() for slot in week]
    assert days == sorted(set(days)), "one session a day, in order"
    held = held_slot(now, LONDON)
    assert in_working_hours(held, 60)
    assert now - timedelta(days=7, hours=12) < held < now - timedelta(days=4)


def test_started_late_in_the_evening_the_first_session_is_the_next_morning() -> None:
    now = datetime(2026, 12, 8, 21, 15, tzinfo=LONDON)
    first = coming_week(now.astimezone(UTC), LONDON)[0].starts_at.astimezone(LONDON)
    assert first == datetime(2026, 12, 9, 9, 0, tzinfo=LONDON)


async def test_a_sandbox_started_at_a_quarter_past_nine_at_night_seeds_daytime_sessions(
    tmp_path: Path,
) -> None:
    code, out, err = await sandbox(
        tmp_path, "/as worker\n/diary\n", "--db", "sandbox.db", "--clock", "2026-12-11T21:15"
    )
    assert code == 0, err[-2000:]
    assert "coming up: Mon 14 Dec 09:00, Community room; Wed 16 Dec 14:00" in out
    assert "Fri 18 Dec, 10:00 — Sam, Community room" in out

    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'sandbox.db'}")
    try:
        async with db.sessionmaker() as session:
            sessions = (await session.scalars(select(PeerSession))).all()
    finally:
        await db.dispose()
    assert len(sessions) == 4
    assert all(in_working_hours(s.starts_at, s.duration_minutes) for s in sessions)
