"""/mydata, /forget and /calendar end to end: the files parsed back, the erasure seen."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlalchemy import select

from storage.models import Person, Programme, ReminderPrefs, Strategy
from tests import factories
from tests.harness import Harness

LONDON = ZoneInfo("Europe/London")


async def person_row(bot: Harness, telegram_id: int) -> Person:
    async with bot.uow() as uow:
        row = await uow.people.by_telegram_id(telegram_id)
        assert row is not None
        uow.session.expunge(row)  # a snapshot that outlives the unit of work
    return row


async def add_strategy(bot: Harness, telegram_id: int, name: str) -> None:
    peer = await person_row(bot, telegram_id)
    async with bot.uow() as uow:
        now = bot.clock()
        uow.session.add(Strategy(peer_id=peer.id, name=name, created_at=now, last_used_at=now))
        await uow.commit()


async def test_mydata_sends_a_json_file_of_the_peers_own_data_and_nobody_elses(
    bot: Harness,
) -> None:
    coordinator = await bot.join_coordinator()
    worker = await bot.join_worker(coordinator, "Wren")
    peer = await bot.join_peer(worker, "Zebedee Quill", "Zeb")
    other = await bot.join_peer(worker, "Ottoline March", "Otto")
    await add_strategy(bot, peer.user_id, "Walking by the canal")
    await add_strategy(bot, other.user_id, "Otto's breathing exercise")

    [reply] = await peer.send("/mydata")
    assert reply.filename == "peerbot-my-data.json"
    assert reply.document is not None
    data = json.loads(reply.document)
    assert data["profile"]["name"] == "Zebedee Quill"
    assert data["programmes"][0]["peer_worker"] == "Wren"
    assert [s["name"] for s in data["strategies"]] == ["Walking by the canal"]
    assert data["reminders"] == "none: you get no reminders"
    text = reply.document.decode()
    assert "Ottoline" not in text and "breathing" not in text
    assert str(other.user_id) not in text

    [reply] = await worker.send("/mydata")
    data = json.loads(reply.document or b"")
    assert data["profile"]["role"] == "peer worker"
    assert sorted(p["name"] for p in data["peers"]) == ["Ottoline March", "Zebedee Quill"]
    assert "canal" not in reply.document.decode()


async def test_forget_asks_first_then_erases_tells_the_worker_nothing_more_and_unlinks(
    bot: Harness,
) -> None:
    _coordinator, worker, peer = await bot.team()
    await add_strategy(bot, peer.user_id, "Walking by the canal")
    me = await person_row(bot, peer.user_id)

    [ask] = await peer.send("/forget")
    assert "can't be undone" in ask.text
    await peer.press("No, keep it")
    assert peer.last.text == "Nothing was erased. Your data is as it was."
    assert (await person_row(bot, peer.user_id)).display_name == "Sam"

    [ask] = await peer.send("/forget")
    # A forged confirmation for someone else is out of date and changes nothing.
    await peer.press_data(f"prv:go:{me.id + 100}", message=ask)
    assert peer.last_answer == "This button is out of date, so nothing was changed."
    assert (await person_row(bot, peer.user_id)).display_name == "Sam"

    told_before = len(worker.messages)
    [done] = await peer.press("Yes, erase my data", message=ask)
    assert done.text.startswith("Done: your data is erased")
    assert "116 123" in done.text
    [told] = worker.messages[told_before:]
    assert told.text == (
        "A peer has left the programme and asked for their data to be erased. "
        "Their upcoming sessions are cancelled."
    )

    async with bot.uow() as uow:
        row = await uow.session.get(Person, me.id)
        assert row is not None and row.left_at is not None
        assert (row.display_name, row.telegram_id) == (None, None)
        assert list(await uow.session.scalars(select(Strategy))) == []
        assert (await uow.session.scalar(select(Programme))) is not None

    [again] = await peer.send("/start")
    assert "To join, open the invitation link" in again.text
    [answer] = await peer.send("/mydata")
    assert "only chat with people who have joined" in answer.text


async def test_calendar_file_keeps_10am_london_on_both_sides_of_the_clock_change(
    bot: Harness,
) -> None:
    bot.clock.set(datetime(2026, 10, 20, 9, 0, tzinfo=UTC))
    _coordinator, worker, peer = await bot.team()
    me = await person_row(bot, peer.user_id)
    wren = await person_row(bot, worker.user_id)
    starts = [datetime(2026, 10, d, 10, 0, tzinfo=LONDON) for d in (24, 31)]
    async with bot.uow() as uow:
        programme = await uow.programmes.current_for_peer(me.id)
        assert programme is not None
        ids = []
        for when in starts:
            row = await factories.session(
                uow, programme, when.astimezone(UTC), now=bot.clock(), minutes=75, place="Hub"
            )
            ids.append(row.id)
        # merge: the peer already has a row from being offered reminders when joining.
        await uow.session.merge(
            ReminderPrefs(
                person_id=me.id, hour_before=True, day_before=False, morning=False,
                day_before_at=time(18), morning_at=time(8, 30),
                quiet_from=time(21), quiet_until=time(8),
            )
        )  # fmt: skip
        await uow.commit()

    [reply] = await peer.send("/calendar")
    peer_file = reply
    assert reply.filename == "peerbot-sessions.ics"
    calendar = Calendar.from_ical(reply.document or b"")
    events = list(calendar.walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == [f"session-{i}@peerbot" for i in ids]
    for k, (event, when) in enumerate(zip(events, starts, strict=True), start=1):
        assert event.start == when and event.start.astimezone(LONDON).hour == 10
        assert event.end - event.start == timedelta(minutes=75)
        assert str(event["LOCATION"]) == "Hub"
        assert str(event["SUMMARY"]) == f"Peer support session {k} of 10 with Wren"
        [alarm] = event.walk("VALARM")
        assert alarm["TRIGGER"].dt == timedelta(hours=-1)
    # The offsets differ (BST, then GMT): the same wall-clock time, an hour apart in UTC.
    assert [e.start.utcoffset() for e in events] == [timedelta(hours=1), timedelta(0)]
    assert "Europe/London" in [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")]

    [reply] = await worker.send("/calendar")
    events = list(Calendar.from_ical(reply.document or b"").walk("VEVENT"))
    assert [e.start for e in events] == starts
    assert [str(e["SUMMARY"]) for e in events] == [
        "Session 1 of 10 with Sam",
        "Session 2 of 10 with Sam",
    ]
    assert all(not e.walk("VALARM") for e in events)
    assert wren.timezone == "Europe/London"

    # Offered as a button too (e.g. under a session message): the same file.
    [reply] = await peer.press_data("prv:cal", message=peer_file)
    assert reply.filename == "peerbot-sessions.ics"
    assert reply.document == peer_file.document
