"""Coordinators' /team figures and settings at service level (SPEC §5)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta

import pytest
from PIL import Image
from sqlalchemy import event

from bot.chart import digest_chart_png
from bot.messages import MESSAGE_LIMIT, message_parts
from bot.services import team
from bot.services.digest import Digest, Figures, WorkerDigest
from bot.services.errors import BadInput, NotAllowed
from storage.db import Database
from storage.models import SessionState
from storage.uow import UnitOfWork
from tests import factories

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9", time(9, 0)),
        ("09:30", time(9, 30)),
        ("9.30", time(9, 30)),
        ("1830", time(18, 30)),
        ("6pm", time(18, 0)),
        ("6:30 pm", time(18, 30)),
        ("12am", time(0, 0)),
        (" 07:05 ", time(7, 5)),
    ],
)
def test_a_time_is_read_as_people_type_it(typed: str, expected: time) -> None:
    assert team.parse_time(typed) == expected


@pytest.mark.parametrize("typed", ["", "half six", "25:00", "9:75", "13pm", "tomorrow 9"])
def test_an_unclear_time_is_refused_with_a_clear_problem(typed: str) -> None:
    with pytest.raises(BadInput) as refused:
        team.parse_time(typed)
    assert refused.value.problem == "team_time_unclear"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Europe/London", "Europe/London"),
        ("europe/london", "Europe/London"),
        ("America/New York", "America/New_York"),
        ("Auckland", "Pacific/Auckland"),
        ("UTC", "UTC"),
    ],
)
def test_a_time_zone_is_found_by_its_iana_name(typed: str, expected: str) -> None:
    assert team.find_zone(typed) == expected


@pytest.mark.parametrize("typed", ["Mars/Olympus", "", "../etc/passwd", "GMT+5", "localtime"])
def test_an_unknown_time_zone_is_refused(typed: str) -> None:
    with pytest.raises(BadInput) as refused:
        team.find_zone(typed)
    assert refused.value.problem == "team_zone_unknown"


def test_the_week_runs_monday_to_monday_in_the_coordinators_zone_across_dst() -> None:
    start, end = team.week_of(NOW, "Europe/London")
    assert (start.isoformat(), end.isoformat()) == (
        "2026-11-23T00:00:00+00:00",
        "2026-11-30T00:00:00+00:00",
    )
    # The week the clocks go back (25 October 2026) is 169 hours long.
    start, end = team.week_of(datetime(2026, 10, 22, tzinfo=UTC), "Europe/London")
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=169)


def test_a_long_text_goes_in_several_messages_split_between_blocks() -> None:
    blocks = [f"Worker {i}\n" + "Held 1 · Missed 0\n" * 8 for i in range(200)]
    parts = message_parts("\n\n".join(blocks))
    assert len(parts) > 1 and all(len(part) <= MESSAGE_LIMIT for part in parts)
    assert "\n\n".join(parts) == "\n\n".join(blocks)


async def team_of(uow: UnitOfWork, first: int, workers: int) -> None:
    for w in range(first, first + workers):
        worker = await factories.person(uow, "worker", f"W{w}", telegram_id=100 + w, now=NOW)
        peer = await factories.person(uow, "peer", f"P{w}", telegram_id=5000 + w, now=NOW)
        programme = await factories.programme(uow, peer, worker, now=NOW)
        await factories.session(uow, programme, NOW + timedelta(days=1), now=NOW)
        await factories.session(
            uow, programme, NOW - timedelta(days=2), now=NOW, state=SessionState.CONFIRMED
        )
    await uow.commit()


async def test_team_figures_take_the_same_statements_for_2_or_20_workers(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        await factories.person(uow, "coordinator", "Chris", telegram_id=1, now=NOW)
        await team_of(uow, 0, 2)
    seen: list[str] = []
    event.listen(db.engine.sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))

    async with UnitOfWork(db) as uow:
        small = await team.team_view(uow, 1, now=NOW)
    small_count = len(seen)
    async with UnitOfWork(db) as uow:
        await team_of(uow, 2, 18)
    seen.clear()
    async with UnitOfWork(db) as uow:
        large = await team.team_view(uow, 1, now=NOW)

    assert small_count == len(seen) == 4
    assert (small.totals.this_week, small.totals.confirmed, small.totals.peers) == (4, 2, 2)
    assert (large.totals.this_week, large.totals.confirmed, len(large.workers)) == (40, 20, 20)


async def test_only_a_coordinator_may_see_the_team_or_change_digest_settings(
    db: Database,
) -> None:
    async with UnitOfWork(db) as uow:
        await factories.person(uow, "worker", "Wren", telegram_id=2, now=NOW)
        await uow.commit()

    async with UnitOfWork(db) as uow:
        with pytest.raises(NotAllowed):
            await team.team_view(uow, 2, now=NOW)
        with pytest.raises(NotAllowed):
            await team.set_digest_day(uow, 2, 3)


def test_a_big_teams_chart_stays_phone_sized_with_the_rest_summed() -> None:
    workers = tuple(
        WorkerDigest(i, f"Worker {i}", Figures(held=i % 5, missed=i % 3, cancelled=i % 2))
        for i in range(300)
    )
    digest = Digest(
        NOW - timedelta(days=7), NOW, sum((w.figures for w in workers), Figures()), workers
    )

    png = digest_chart_png(digest)

    with Image.open(io.BytesIO(png)) as picture:
        assert picture.format == "PNG"
        assert picture.width == 1080 and picture.height < 2 * 1080 * 1.3
