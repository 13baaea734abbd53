"""The sessions service: what peers and peer workers do with a session, as specifications."""

from __future__ import annotations

import pytest

from bot.services import flows, rearrange, sessions
from bot.services.errors import BadInput, NotAllowed, NotYours, Stale
from storage.db import Database
from storage.models import SessionState
from storage.uow import UnitOfWork
from tests.conftest import Clock
from tests.sessions_world import (
    ALEX,
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


async def test_a_peer_confirms_their_session(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    async with UnitOfWork(db) as uow:
        done = await sessions.confirm(uow, SAM, sid, 1, now=NOW)
    assert (done.already, done.view.status, done.view.number) == (False, "confirmed", 1)
    row = await stored(db, sid)
    assert (row.state, row.confirmed_at, row.version) == ("confirmed", NOW, 1)


async def test_a_second_confirm_changes_nothing(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    async with UnitOfWork(db) as uow:
        await sessions.confirm(uow, SAM, sid, 1, now=NOW)
    async with UnitOfWork(db) as uow:
        again = await sessions.confirm(uow, SAM, sid, 1, now=NOW + HOUR)
    assert again.already
    assert (await stored(db, sid)).confirmed_at == NOW


async def test_confirm_fails_for_another_peers_session(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    async with UnitOfWork(db) as uow:
        with pytest.raises(NotYours):
            await sessions.confirm(uow, ALEX, sid, 1, now=NOW)
    assert (await stored(db, sid)).state == "scheduled"


async def test_a_peer_worker_cannot_confirm_for_their_peer(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    async with UnitOfWork(db) as uow:
        with pytest.raises(NotAllowed):
            await sessions.confirm(uow, WREN, sid, 1, now=NOW)


async def test_a_confirmed_card_can_still_be_rearranged(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    async with UnitOfWork(db) as uow:
        done = await sessions.confirm(uow, SAM, sid, 1, now=NOW)
    # The card keeps its buttons: a confirm does not make them stale.
    async with UnitOfWork(db) as uow:
        offer = await rearrange.start(uow, SAM, sid, done.view.version, now=NOW)
    assert offer.view.id == sid and offer.slots


async def test_a_button_of_an_older_version_is_stale(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    async with UnitOfWork(db) as uow:
        with pytest.raises(Stale) as stale:
            await sessions.confirm(uow, SAM, sid, 0, now=NOW)
    assert stale.value.current is not None
    assert stale.value.current.status == "awaiting"  # type: ignore[attr-defined]


async def test_a_session_that_has_ended_cannot_be_confirmed(db: Database, clock: Clock) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    clock.set(WEDNESDAY_10 + HOUR)
    async with UnitOfWork(db) as uow:
        with pytest.raises(Stale):
            await sessions.confirm(uow, SAM, sid, 1, now=clock())


async def test_a_peer_cancels_and_the_open_request_goes_with_it(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    await requested(db, sid)
    async with UnitOfWork(db) as uow:
        checked = await sessions.check_cancellable(uow, SAM, sid, 1, now=NOW)
        assert checked.status == "requested"
    async with UnitOfWork(db) as uow:
        view = await sessions.cancel(uow, SAM, sid, 1, now=NOW)
    assert (view.status, view.request) == ("cancelled", None)
    row = await stored(db, sid)
    assert (row.state, row.cancelled_by, row.counts_against) == ("cancelled", "peer", False)
    assert await requests_of(db, sid) == [("peer", "replaced")]


async def test_a_cancelled_session_cannot_be_cancelled_again(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    async with UnitOfWork(db) as uow:
        await sessions.cancel(uow, SAM, sid, 1, now=NOW)
    async with UnitOfWork(db) as uow:
        with pytest.raises(Stale):
            await sessions.cancel(uow, SAM, sid, 1, now=NOW)


async def test_session_k_of_n_counts_the_held_and_live_sessions_before_it(db: Database) -> None:
    w = await world(db)
    await booked(db, w.programme, NOW - 14 * DAY, state=SessionState.HELD)
    await booked(db, w.programme, NOW - 7 * DAY, state=SessionState.MISSED)
    await booked(db, w.programme, NOW - 3 * DAY, state=SessionState.CANCELLED)
    await booked(db, w.programme, NOW + DAY, state=SessionState.CONFIRMED)
    await booked(db, w.programme, WEDNESDAY_10 + DAY)
    async with UnitOfWork(db) as uow:
        upcoming, past = await sessions.peer_sessions(uow, SAM, NOW)
        nxt = await sessions.next_session(uow, SAM, NOW)
    assert [(v.number, v.status) for v in upcoming] == [(2, "confirmed"), (3, "awaiting")]
    assert [v.status for v in past] == ["cancelled", "missed", "held"]
    assert nxt is not None and (nxt.number, nxt.planned) == (2, 10)


async def test_the_next_session_is_the_first_live_one_not_yet_over(db: Database) -> None:
    w = await world(db)
    now = WEDNESDAY_10 + HOUR / 2  # half an hour in
    await booked(db, w.programme, WEDNESDAY_10 - DAY, state=SessionState.CANCELLED)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    await booked(db, w.programme, WEDNESDAY_10 + DAY)
    async with UnitOfWork(db) as uow:
        nxt = await sessions.next_session(uow, SAM, now)
    assert nxt is not None and nxt.id == sid


async def test_the_diary_shows_the_next_14_days_of_the_workers_own_peers(db: Database) -> None:
    w = await world(db)
    await booked(db, w.programme, WEDNESDAY_10)
    await booked(db, w.programme, NOW + 20 * DAY)
    await booked(db, w.alex_programme, WEDNESDAY_10 + HOUR)
    async with UnitOfWork(db) as uow:
        views = await sessions.diary(uow, WREN, now=NOW)
    assert [(v.peer_name, v.starts_at) for v in views] == [("Sam", WEDNESDAY_10)]


async def test_peers_shows_held_sessions_the_next_one_and_the_last_contact(db: Database) -> None:
    w = await world(db)
    await booked(db, w.programme, NOW - 7 * DAY, state=SessionState.HELD)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    async with UnitOfWork(db) as uow:
        await sessions.confirm(uow, SAM, sid, 1, now=NOW)
    async with UnitOfWork(db) as uow:
        (line,) = await sessions.worker_peers(uow, WREN, now=NOW)
    assert (line.name, line.held, line.planned) == ("Sam", 1, 10)
    assert (line.next_at, line.last_contact) == (WEDNESDAY_10, NOW)


async def test_the_worker_marks_an_outcome_once(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, NOW - DAY)
    async with UnitOfWork(db) as uow:
        (waiting,) = await sessions.awaiting_outcome(uow, WREN, now=NOW)
        assert waiting.id == sid
    async with UnitOfWork(db) as uow:
        done = await sessions.record_outcome(uow, WREN, sid, "held", now=NOW)
    assert (done.view.status, done.completed) == ("held", False)
    async with UnitOfWork(db) as uow:
        with pytest.raises(Stale):
            await sessions.record_outcome(uow, WREN, sid, "missed", now=NOW)
        assert await sessions.awaiting_outcome(uow, WREN, now=NOW) == []
    assert (await stored(db, sid)).state == "held"


async def test_an_outcome_waits_until_the_session_has_begun(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, WEDNESDAY_10)
    async with UnitOfWork(db) as uow:
        with pytest.raises(Stale):
            await sessions.record_outcome(uow, WREN, sid, "held", now=NOW)


async def test_another_workers_peer_cannot_be_marked(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.alex_programme, NOW - DAY)
    async with UnitOfWork(db) as uow:
        with pytest.raises(NotYours):
            await sessions.record_outcome(uow, WREN, sid, "held", now=NOW)


async def test_the_last_planned_session_held_completes_the_programme(db: Database) -> None:
    w = await world(db, planned=2)
    await booked(db, w.programme, NOW - 8 * DAY, state=SessionState.HELD)
    sid = await booked(db, w.programme, NOW - DAY)
    async with UnitOfWork(db) as uow:
        done = await sessions.record_outcome(uow, WREN, sid, "held", now=NOW)
    assert done.completed
    async with UnitOfWork(db) as uow:
        (line,) = await sessions.worker_peers(uow, WREN, now=NOW)
    assert (line.state, line.held) == ("completed", 2)


async def test_a_note_is_kept_on_the_session_just_marked(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, NOW - DAY)
    async with UnitOfWork(db) as uow:
        await sessions.record_outcome(uow, WREN, sid, "held", now=NOW)
    async with UnitOfWork(db) as uow:
        await sessions.note_outcome(uow, WREN, "  Try   the walk again ", now=NOW)
    assert (await stored(db, sid)).outcome_note == "Try the walk again"
    async with UnitOfWork(db) as uow:
        assert await flows.where(uow, w.wren.id, now=NOW) is None
        # The question was answered: a second note is not taken.
        with pytest.raises(Stale):
            await sessions.note_outcome(uow, WREN, "more", now=NOW)


async def test_a_note_too_long_is_refused_and_the_question_stays(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, NOW - DAY)
    async with UnitOfWork(db) as uow:
        await sessions.record_outcome(uow, WREN, sid, "missed", now=NOW)
    async with UnitOfWork(db) as uow:
        with pytest.raises(BadInput) as refused:
            await sessions.note_outcome(uow, WREN, "x" * 501, now=NOW)
    assert refused.value.problem == "outcome_note_too_long"
    async with UnitOfWork(db) as uow:
        assert await flows.where(uow, w.wren.id, now=NOW) is not None


async def test_skip_keeps_a_note_already_typed(db: Database) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, NOW - DAY)
    async with UnitOfWork(db) as uow:
        await sessions.record_outcome(uow, WREN, sid, "held", now=NOW)
    async with UnitOfWork(db) as uow:
        await sessions.note_outcome(uow, WREN, "Talked about sleep", now=NOW)
    async with UnitOfWork(db) as uow:
        await sessions.skip_note(uow, WREN, sid)
    assert (await stored(db, sid)).outcome_note == "Talked about sleep"


async def test_a_cancelled_session_counts_against_the_programme_only_when_said(
    db: Database,
) -> None:
    w = await world(db)
    sid = await booked(db, w.programme, NOW - DAY)
    held = await booked(db, w.programme, NOW - 3 * DAY, state=SessionState.HELD)
    async with UnitOfWork(db) as uow:
        await sessions.record_outcome(uow, WREN, sid, "cancelled", now=NOW)
    assert (await stored(db, sid)).counts_against is False
    async with UnitOfWork(db) as uow:
        view = await sessions.count_against(uow, WREN, sid)
    assert view.status == "cancelled"
    assert (await stored(db, sid)).counts_against is True
    async with UnitOfWork(db) as uow:
        with pytest.raises(Stale):
            await sessions.count_against(uow, WREN, held)
