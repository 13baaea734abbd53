"""Lone-working check-ins (SPEC §8, issue #15) through the delivery ledger, on the
scheduler's clock: every tick a new engine, as after a restart."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services import safety
from bot.services.errors import BadInput, NotAllowed
from bot.services.safety_plan import SafetyConfig
from storage.enums import CheckinState
from storage.models import PeerSession
from tests.safety_world import CONFIG, ENDS, GRACE, MINUTE, NOW, SESSION, Safety, alerts


async def test_im_safe_in_time_sends_nothing_more(s: Safety) -> None:
    await s.turn_on(NOW)
    session_id = await s.book(SESSION, NOW)
    await s.run(SESSION - MINUTE, SESSION + MINUTE, MINUTE)
    [started] = s.texts(s.w.worker)
    assert "Your session with Sam has started" in started and "call 999" in started
    assert "lone-working procedure" in started
    [message] = [m for m in s.w.sent_to(s.w.worker) if "has started" in (m.text or "")]
    [[button]] = message.buttons
    assert button.text == "I'm safe"
    c = await s.checkin(session_id)
    assert await s.safe(c.id, ENDS + MINUTE)
    await s.run(ENDS, ENDS + 3 * GRACE, MINUTE)
    assert len(s.texts(s.w.worker)) == 1  # no "Are you safe?"
    assert s.texts(s.w.coordinator) == s.texts(s.second) == []
    assert not any(x.startswith("Safety") for x in s.texts(s.w.peer))
    # What was waiting went from the ledger once it was safe: only the start was sent.
    assert [(d.kind, d.state) for d in await s.ledger()] == [("safety_start", "sent")]


async def test_no_answer_asks_once_then_alerts_every_coordinator_once(s: Safety) -> None:
    await s.turn_on(NOW)
    session_id = await s.book(SESSION, NOW)
    await s.run(SESSION - MINUTE, ENDS + GRACE + MINUTE, MINUTE)
    worker = s.texts(s.w.worker)
    assert len(worker) == 2 and worker[1].startswith("Are you safe?")
    assert "your coordinators will be told" in worker[1] and "call 999" in worker[1]
    assert s.texts(s.w.coordinator) == []
    await s.run(ENDS + GRACE + 2 * MINUTE, ENDS + 4 * GRACE, MINUTE)
    assert len(s.texts(s.w.worker)) == 2  # asked once only
    for coordinator in (s.w.coordinator, s.second):
        [alert] = alerts(s.texts(coordinator))
        assert "Wren hasn't said they're safe" in alert
        assert "Place: Riverside café" in alert and "Planned end: Wed 10 Jun, 11:00" in alert
        assert "Last heard from:" in alert and "call 999" in alert
        assert "Sam" not in alert  # the peer's name is not the coordinators' business
        [message] = [m for m in s.w.sent_to(coordinator) if m.text == alert]
        [[button]] = message.buttons
        assert button.text == "I'm handling it"
    c = await s.checkin(session_id)
    assert c.state == CheckinState.ALERTED and c.alerted_at == ENDS + 2 * GRACE
    assert c.asked_at == ENDS + GRACE


async def test_the_first_handler_is_shown_to_the_others_and_safe_ends_it_for_all(
    s: Safety,
) -> None:
    await s.turn_on(NOW)
    session_id = await s.book(SESSION, NOW)
    await s.run(SESSION, ENDS + 2 * GRACE, MINUTE)
    c = await s.checkin(session_id)
    at = ENDS + 2 * GRACE + 2 * MINUTE
    first = await s.handle(s.w.coordinator, c.id, at)
    assert isinstance(first, safety.Handling) and first.mine
    second = await s.handle(s.second, c.id, at)
    assert isinstance(second, safety.Handling) and not second.mine
    assert second.handler_name == "Chris"
    await s.run(at, at + MINUTE, MINUTE)
    assert s.texts(s.second)[-1].startswith("Chris is handling the safety alert for Wren")
    assert not any("is handling the safety alert" in x for x in s.texts(s.w.coordinator))
    assert await s.safe(c.id, at + 5 * MINUTE)
    await s.run(at + 5 * MINUTE, at + 7 * MINUTE, MINUTE)
    for coordinator in (s.w.coordinator, s.second):
        assert s.texts(coordinator)[-1] == "Wren has said they're safe. The safety alert is over."
        assert len(alerts(s.texts(coordinator))) == 1
    assert (await s.checkin(session_id)).state == CheckinState.SAFE


async def test_a_rearranged_session_moves_its_checkin(s: Safety) -> None:
    await s.turn_on(NOW)
    session_id = await s.book(SESSION, NOW)
    later = SESSION + timedelta(days=1)
    await s.move(session_id, later, NOW)
    await s.run(SESSION - MINUTE, SESSION + 3 * GRACE + 2 * timedelta(hours=1), MINUTE * 5)
    assert s.texts(s.w.worker) == [] and s.texts(s.w.coordinator) == []
    c = await s.checkin(session_id)
    assert (c.starts_at, c.ends_at) == (later, later + timedelta(hours=1))
    await s.run(later, later + MINUTE, MINUTE)
    assert "has started" in s.texts(s.w.worker)[0]


async def test_a_cancelled_session_and_check_ins_turned_off_send_nothing(s: Safety) -> None:
    await s.turn_on(NOW)
    cancelled = await s.book(SESSION, NOW)
    other = await s.book(SESSION + timedelta(days=2), NOW)
    await s.w.cancel(cancelled, NOW)  # straight to the database: the reconciliation finds it
    await s.run(SESSION - MINUTE, ENDS + 3 * GRACE, MINUTE * 5)
    assert (await s.checkin(cancelled)).state == CheckinState.CANCELLED
    await s.turn_on(NOW, on=False)
    assert (await s.checkin(other)).state == CheckinState.CANCELLED
    await s.run(SESSION + timedelta(days=2), SESSION + timedelta(days=2, hours=2), MINUTE * 5)
    assert s.texts(s.w.worker) == [] and s.texts(s.w.coordinator) == []
    await s.turn_on(NOW)  # on again: the session's check-in is back
    assert (await s.checkin(other)).state == CheckinState.OPEN


async def test_a_session_marked_held_after_its_start_counts_as_safe(s: Safety) -> None:
    await s.turn_on(NOW)
    session_id = await s.book(SESSION, NOW)
    await s.run(SESSION, SESSION + MINUTE, MINUTE)
    async with s.uow(ENDS) as uow:
        row = await uow.session.get(PeerSession, session_id)
        assert row is not None
        await safety.session_marked(uow, s.w.worker.id, row, now=ENDS)
        await uow.commit()
    await s.run(ENDS, ENDS + 3 * GRACE, MINUTE)
    assert len(s.texts(s.w.worker)) == 1 and s.texts(s.w.coordinator) == []
    assert (await s.checkin(session_id)).state == CheckinState.SAFE


async def test_checkin_for_one_minute_asks_then_alerts(s: Safety) -> None:
    worker = s.w.worker.telegram_id
    async with s.uow(NOW) as uow:
        assert await safety.ask_place(uow, worker, ["1"], now=NOW, config=CONFIG) == 1
    async with s.uow(NOW) as uow:
        started = await safety.start_checkin(uow, worker, "Flat 3", now=NOW, config=CONFIG)
    assert started.ends_at == NOW + MINUTE
    await s.run(NOW, NOW + MINUTE + GRACE, MINUTE)
    assert s.texts(s.w.worker)[-1].startswith("Are you safe?")
    await s.run(NOW + MINUTE + GRACE + MINUTE, NOW + MINUTE + 2 * GRACE + MINUTE, MINUTE)
    [alert] = alerts(s.texts(s.w.coordinator))
    assert "Place: Flat 3" in alert


@pytest.mark.parametrize("args", [["0"], ["soon"], ["1", "2"], ["99999"], ["-5"]])
async def test_checkin_refuses_bad_minutes_and_changes_nothing(s: Safety, args: list[str]) -> None:
    async with s.uow(NOW) as uow:
        with pytest.raises(BadInput):
            await safety.ask_place(uow, s.w.worker.telegram_id, args, now=NOW, config=CONFIG)
    assert await s.w.ledger() == []


async def test_sos_alerts_every_coordinator_at_once_with_the_next_place(s: Safety) -> None:
    await s.book(SESSION, NOW, place="Park benches")
    async with s.uow(NOW) as uow:
        names = await safety.sos(uow, s.w.worker.telegram_id, now=NOW, config=CONFIG)
    assert sorted(names) == ["Alex", "Chris"]
    await s.run(NOW, NOW, MINUTE)
    for coordinator in (s.w.coordinator, s.second):
        [alert] = alerts(s.texts(coordinator))
        assert "Wren has asked for help now" in alert and "Place: Park benches" in alert
    assert s.texts(s.w.peer) == []


async def test_nothing_is_planned_or_accepted_when_the_service_does_not_use_checkins(
    s: Safety,
) -> None:
    off = SafetyConfig(False, GRACE)
    async with s.uow(NOW) as uow:
        with pytest.raises(safety.CheckinsOff):
            await safety.sos(uow, s.w.worker.telegram_id, now=NOW, config=off)
    async with s.uow(NOW) as uow:
        with pytest.raises(safety.CheckinsOff):
            await safety.ask_place(uow, s.w.worker.telegram_id, [], now=NOW, config=off)
    assert await s.ledger() == []


async def test_a_peer_or_coordinator_cannot_use_a_workers_checkin(s: Safety) -> None:
    await s.turn_on(NOW)
    session_id = await s.book(SESSION, NOW)
    c = await s.checkin(session_id)
    async with s.uow(NOW) as uow:
        with pytest.raises(NotAllowed):
            await safety.press_safe(uow, s.w.peer.telegram_id, c.id, now=NOW, config=CONFIG)
    async with s.uow(NOW) as uow:
        with pytest.raises(NotAllowed):
            await safety.handle(uow, s.w.peer.telegram_id, c.id, now=NOW, config=CONFIG)
    assert (await s.checkin(session_id)).state == CheckinState.OPEN
