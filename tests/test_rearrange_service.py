"""The rearrange service: the peer asks, the peer worker accepts or suggests, both agree."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.services import flows, rearrange, sessions
from bot.services.errors import BadInput, Stale
from storage.db import Database
from storage.uow import UnitOfWork
from tests.sessions_world import (
    DAY,
    HOUR,
    NOW,
    SAM,
    WEDNESDAY_10,
    WREN,
    booked,
    requested,
    requests_of,
    stored,
    world,
)

THURSDAY_10 = WEDNESDAY_10 + DAY


def london(slots: list[datetime]) -> list[str]:
    return [f"{s:%a %H:%M}" for s in slots]  # London is on UTC in November


async def test_rearrange_offers_a_free_time_a_day_near_the_sessions_own_time(
    db: Database,
) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    async with UnitOfWork(db) as uow:
        offer = await rearrange.start(uow, SAM, sid, 1, now=NOW)
    # Working days only; the session's own time is not offered back.
    assert london(offer.slots) == [
        "Tue 10:00",
        "Wed 09:00",
        "Thu 10:00",
        "Fri 10:00",
        "Mon 10:00",
        "Tue 10:00",
    ]
    async with UnitOfWork(db) as uow:
        at = await flows.at(uow, w.sam.id, flows.REARRANGE, now=NOW)
    assert at is not None and at.data == flows.RearrangeData(sid, 1)


async def test_the_offer_leaves_out_times_that_clash(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    await booked(db, w.programme, THURSDAY_10, minutes=90)
    async with UnitOfWork(db) as uow:
        offer = await rearrange.start(uow, SAM, sid, 1, now=NOW)
    assert london(offer.slots)[2] == "Thu 09:00"


async def test_a_peer_picks_a_time_and_the_worker_is_asked(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    async with UnitOfWork(db) as uow:
        await rearrange.start(uow, SAM, sid, 1, now=NOW)
    async with UnitOfWork(db) as uow:
        view = await rearrange.request_time(uow, SAM, sid, 1, THURSDAY_10, now=NOW)
    assert view.status == "requested"
    assert view.request is not None and view.request.proposed_at == THURSDAY_10
    assert view.starts_at == WEDNESDAY_10
    async with UnitOfWork(db) as uow:
        assert await flows.where(uow, w.sam.id, now=NOW) is None


async def test_a_picked_time_that_clashes_is_refused(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    await booked(db, w.programme, THURSDAY_10)
    async with UnitOfWork(db) as uow:
        with pytest.raises(BadInput) as refused:
            await rearrange.request_time(uow, SAM, sid, 1, THURSDAY_10 + HOUR / 2, now=NOW)
    assert refused.value.problem == "clash"
    assert await requests_of(db, sid) == []


async def test_the_worker_accepts_and_the_session_moves_awaiting_the_peers_word(
    db: Database,
) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    rid = await requested(db, sid, proposed_at=THURSDAY_10)
    async with UnitOfWork(db) as uow:
        view = await rearrange.accept(uow, WREN, rid, now=NOW)
    assert (view.starts_at, view.status, view.version) == (THURSDAY_10, "awaiting", 2)
    row = await stored(db, sid)
    assert (row.starts_at, row.times_moved, row.confirmed_at) == (THURSDAY_10, 1, None)
    assert await requests_of(db, sid) == [("peer", "accepted")]


async def test_a_move_makes_the_old_buttons_stale(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    rid = await requested(db, sid, proposed_at=THURSDAY_10)
    async with UnitOfWork(db) as uow:
        await rearrange.accept(uow, WREN, rid, now=NOW)
    async with UnitOfWork(db) as uow:
        with pytest.raises(Stale) as stale:
            await sessions.confirm(uow, SAM, sid, 1, now=NOW)
    assert stale.value.current.starts_at == THURSDAY_10  # type: ignore[attr-defined]
    async with UnitOfWork(db) as uow:
        with pytest.raises(Stale):
            await rearrange.accept(uow, WREN, rid, now=NOW)
    async with UnitOfWork(db) as uow:
        assert (await sessions.cancel(uow, SAM, sid, 2, now=NOW)).status == "cancelled"


async def test_the_side_that_asked_cannot_accept_its_own_request(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    rid = await requested(db, sid, proposed_at=THURSDAY_10)
    async with UnitOfWork(db) as uow:
        with pytest.raises(Stale):
            await rearrange.accept(uow, SAM, rid, now=NOW)
    assert (await stored(db, sid)).starts_at == WEDNESDAY_10


async def test_a_typed_wish_goes_to_the_worker(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    async with UnitOfWork(db) as uow:
        await rearrange.start(uow, SAM, sid, 1, now=NOW)
    async with UnitOfWork(db) as uow:
        view = await rearrange.request_wish(uow, SAM, "  Thursday   afternoon ", now=NOW)
    assert view.request is not None
    assert (view.request.wish, view.request.proposed_at) == ("Thursday afternoon", None)


@pytest.mark.parametrize(
    ("typed", "problem"), [("   ", "wish_empty"), ("x" * 201, "wish_too_long")]
)
async def test_an_empty_or_overlong_wish_is_refused(db: Database, typed: str, problem: str) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    async with UnitOfWork(db) as uow:
        await rearrange.start(uow, SAM, sid, 1, now=NOW)
    async with UnitOfWork(db) as uow:
        with pytest.raises(BadInput) as refused:
            await rearrange.request_wish(uow, SAM, typed, now=NOW)
    assert refused.value.problem == problem


async def test_a_wish_without_pressing_rearrange_is_stale(db: Database) -> None:
    w = await world(db)
    await booked(db, w.programme, WEDNESDAY_10)
    async with UnitOfWork(db) as uow:
        with pytest.raises(Stale):
            await rearrange.request_wish(uow, SAM, "Thursday", now=NOW)


async def test_a_wish_after_the_session_moved_is_stale(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    rid = await requested(db, sid, proposed_at=THURSDAY_10)
    async with UnitOfWork(db) as uow:
        await rearrange.start(uow, SAM, sid, 1, now=NOW)
    async with UnitOfWork(db) as uow:
        await rearrange.accept(uow, WREN, rid, now=NOW)
    async with UnitOfWork(db) as uow:
        with pytest.raises(Stale):
            await rearrange.request_wish(uow, SAM, "Friday", now=NOW)


async def test_the_worker_suggests_a_time_and_the_peer_accepts_it(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    rid = await requested(db, sid)
    async with UnitOfWork(db) as uow:
        offer = await rearrange.suggest_start(uow, WREN, rid, now=NOW)
    assert offer.slots
    async with UnitOfWork(db) as uow:
        view = await rearrange.suggest(uow, WREN, offer.slots[0], now=NOW)
    assert view.request is not None and view.request.requested_by == "worker"
    assert await requests_of(db, sid) == [("peer", "replaced"), ("worker", "open")]
    async with UnitOfWork(db) as uow:
        moved = await rearrange.accept(uow, SAM, view.request.id, now=NOW)
    assert moved.starts_at == offer.slots[0]


@pytest.mark.parametrize("typed", ["2026-12-03 09:00", "Thursday 9am", "3/12 9.00", "3 Dec 09:00"])
async def test_a_typed_suggestion_is_read_in_the_workers_zone(db: Database, typed: str) -> None:
    w = await world(db, worker_zone="America/New_York")
    sid = await booked(db, w.programme, WEDNESDAY_10)
    rid = await requested(db, sid)
    async with UnitOfWork(db) as uow:
        await rearrange.suggest_start(uow, WREN, rid, now=NOW)
    async with UnitOfWork(db) as uow:
        view = await rearrange.suggest_typed(uow, WREN, typed, now=NOW)
    assert view.request is not None
    assert view.request.proposed_at == THURSDAY_10 + 5 * HOUR - HOUR  # 09:00 EST = 14:00 UTC


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("2027-12-03 09:00", "date_too_far"),
        ("9999-12-31 23:30", "date_unreadable"),
        # A day the one parser reads, but no time: it says the time is missing (#13.8).
        ("tomorrow", "time_missing"),
        ("", "suggest_usage"),
    ],
)
async def test_a_typed_suggestion_that_is_no_sensible_date_is_refused(
    db: Database, typed: str, problem: str
) -> None:
    w = await world(db, worker_zone="America/New_York")
    sid = await booked(db, w.programme, WEDNESDAY_10)
    rid = await requested(db, sid)
    async with UnitOfWork(db) as uow:
        await rearrange.suggest_start(uow, WREN, rid, now=NOW)
    async with UnitOfWork(db) as uow:
        with pytest.raises(BadInput) as refused:
            await rearrange.suggest_typed(uow, WREN, typed, now=NOW)
    assert refused.value.problem == problem


async def test_a_newer_request_replaces_the_open_one(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    old = await requested(db, sid, proposed_at=THURSDAY_10)
    async with UnitOfWork(db) as uow:
        view = await rearrange.request_time(
            uow, SAM, sid, 1, THURSDAY_10 + timedelta(days=1), now=NOW
        )
    assert view.request is not None and view.request.id != old
    async with UnitOfWork(db) as uow:
        with pytest.raises(Stale):
            await rearrange.accept(uow, WREN, old, now=NOW)
