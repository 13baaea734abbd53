"""Sessions end to end: scheduling, confirm, cancel, rearrange, outcomes, as people see them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.localapi import Person
from storage.models import PeerSession, Programme, RearrangeRequest
from tests.harness import Harness

TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Tue 1 Dec 2026, GMT = UTC


async def team(bot: Harness, when: datetime = TUESDAY) -> tuple[Person, Person, Person]:
    bot.clock.set(when)
    return await bot.team()


async def sessions(bot: Harness) -> list[PeerSession]:
    async with bot.uow() as uow:
        return list(await uow.session.scalars(select(PeerSession).order_by(PeerSession.id)))


async def test_one_line_scheduling_tells_the_worker_and_the_peer(bot: Harness) -> None:
    _, worker, peer = await team(bot)
    replies = await worker.send("/schedule Sam 2026-12-03 10:00 60 Community room")
    assert replies[0].text == (
        "Scheduled: Thu 3 Dec, 10:00 — Sam, Community room (60 min, 1 of 10): awaiting reply."
    )
    card = peer.last
    assert card.text.startswith("A new session is booked: session 1 of 10 with Wren")
    assert "Thu 3 Dec, 10:00–11:00 (60 minutes)" in card.text
    assert "Place: Community room" in card.text
    assert [b.text for row in card.buttons for b in row] == [
        "I'll be there",
        "Rearrange",
        "Can't make it",
        "Add to my calendar",
    ]
    replies = await peer.press("Add to my calendar")
    assert replies[-1].filename == "peerbot-sessions.ics"
    assert b"DTSTART;TZID=Europe/London:20261203T100000" in (replies[-1].document or b"")
    [row] = await sessions(bot)
    assert row.starts_at == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    assert (row.duration_minutes, row.place, row.state) == (60, "Community room", "scheduled")


async def test_confirming_is_one_tap_and_a_second_tap_changes_nothing(bot: Harness) -> None:
    _, worker, peer = await team(bot)
    await worker.send("/schedule Sam 2026-12-03 10:00")
    edited = await peer.press("I'll be there")
    assert peer.last_answer == "Thank you, that's confirmed. See you then."
    assert "Status: you said you'll be there" in edited[0].text
    first = (await sessions(bot))[0].confirmed_at

    await peer.press("I'll be there")
    assert peer.last_answer == "You've already confirmed this one, nothing has changed."
    assert (await sessions(bot))[0].confirmed_at == first

    diary = await worker.send("/diary")
    assert "Thu 3 Dec, 10:00 — Sam (60 min, 1 of 10): confirmed" in diary[0].text


async def test_cancelling_asks_once_then_tells_the_worker(bot: Harness) -> None:
    _, worker, peer = await team(bot)
    await worker.send("/schedule Sam 2026-12-03 10:00")
    replies = await peer.press("Can't make it")
    assert replies[0].text.startswith("Cancel your session on Thu 3 Dec, 10:00?")
    assert (await sessions(bot))[0].state == "scheduled"

    replies = await peer.press("Yes, cancel it")
    assert replies[0].text.startswith("The session is cancelled")
    assert worker.last.text == "Sam can't make it: Thu 3 Dec, 10:00 is cancelled."
    [row] = await sessions(bot)
    assert (row.state, row.cancelled_by, row.counts_against) == ("cancelled", "peer", False)
    assert "cancelled" in (await worker.send("/diary"))[0].text


async def test_keeping_a_session_after_all_changes_nothing(bot: Harness) -> None:
    _, worker, peer = await team(bot)
    await worker.send("/schedule Sam 2026-12-03 10:00")
    await peer.press("Can't make it")
    replies = await peer.press("No, keep it")
    assert replies[0].text == "Fine, it stays as it is."
    assert (await sessions(bot))[0].state == "scheduled"


async def test_guided_scheduling_offers_the_last_place_again(bot: Harness) -> None:
    _, worker, peer = await team(bot)
    await worker.send("/schedule Sam 2026-12-02 10:00 60 Library, room 2")
    replies = await worker.send("/schedule")
    assert replies[0].text == "Who is the session with?"
    await worker.press("Sam")
    assert worker.last.text == "Which day?"
    await worker.press("Thu 10 Dec")
    await worker.press("14:00")
    assert worker.last.text == "How long? Pick one, or type the minutes (15 to 240)."
    await worker.press("75 min")
    assert worker.last.text.startswith("Where?")
    assert worker.last.button("Library, room 2")
    replies = await worker.press("Library, room 2")
    assert any("Thu 10 Dec, 14:00 — Sam, Library, room 2 (75 min" in m.text for m in replies)
    assert "Thu 10 Dec, 14:00–15:15 (75 minutes)" in peer.last.text
    assert len(await sessions(bot)) == 2


async def test_guided_scheduling_takes_typed_time_and_place(bot: Harness) -> None:
    _, worker, peer = await team(bot)
    await worker.send("/schedule")
    await worker.press("Sam")
    await worker.press("Fri 4 Dec")
    replies = await worker.send("25:00")
    assert replies[0].text.startswith("I couldn't read the time “25:00”")
    await worker.send("15:30")
    await worker.press("90 min")
    replies = await worker.send("Café on the corner")
    assert "Fri 4 Dec, 15:30 — Sam, Café on the corner (90 min" in replies[0].text
    assert "Place: Café on the corner" in peer.last.text


async def test_a_restart_in_the_middle_of_guided_scheduling_goes_on(bot: Harness) -> None:
    _, worker, _ = await team(bot)
    await worker.send("/schedule")
    await worker.press("Sam")
    await bot.restart()
    await worker.press("Mon 7 Dec")
    await worker.press("11:00")
    await bot.restart()
    await worker.press("60 min")
    replies = await worker.press("Decide later")
    assert any("Mon 7 Dec, 11:00 — Sam (60 min" in m.text for m in replies)


async def test_rearranging_to_an_offered_time(bot: Harness) -> None:
    _, worker, peer = await team(bot)
    await worker.send("/schedule Sam 2026-12-03 10:00 60 Community room")
    card = peer.last
    offer = await peer.press("Rearrange")
    assert offer[-1].text.startswith("Which of these times would suit you?")
    times = [b.text for row in offer[-1].buttons for b in row]
    assert 1 <= len(times) <= 6 and "Thu 3 Dec, 10:00" not in times
    assert times[0] == "Wed 2 Dec, 10:00"  # the nearest time of day on the next working day

    await peer.press("Fri 4 Dec, 10:00")
    assert peer.last.text.startswith("Thanks, I've asked your peer worker")
    request = worker.last
    assert request.text == "Sam would like Fri 4 Dec, 10:00 instead (now Thu 3 Dec, 10:00)."
    diary = await worker.send("/diary")
    assert "rearrange requested" in diary[0].text

    await worker.press("Accept", message=request)
    assert peer.last.text == "Agreed: the session is now Fri 4 Dec, 10:00. Will you be there?"
    assert worker.last.text == "Agreed: the session with Sam is now Fri 4 Dec, 10:00."
    [row] = await sessions(bot)
    assert row.starts_at == datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    assert (row.version, row.times_moved, row.state) == (2, 1, "scheduled")

    # The old card's button is stale now: it says so and changes nothing.
    await peer.press("Can't make it", message=card)
    assert peer.last_answer is not None and peer.last_answer.startswith("This has changed")
    assert "Fri 4 Dec, 10:00" in peer.last_answer
    assert (await sessions(bot))[0].state == "scheduled"


async def test_a_typed_wish_answered_by_a_suggestion(bot: Harness) -> None:
    _, worker, peer = await team(bot)
    await worker.send("/schedule Sam 2026-12-03 10:00")
    replies = await peer.send("/rearrange")
    assert replies[0].text.startswith("Which of these times")
    await peer.send("Thursday afternoon would be better")
    request = worker.last
    assert request.text == (
        "Sam would like another time: “Thursday afternoon would be better” (now Thu 3 Dec, 10:00)."
    )
    assert [b.text for row in request.buttons for b in row] == ["Accept", "Suggest another time"]

    await worker.press("Suggest another time", message=request)
    assert worker.last.text.startswith("Pick a time to suggest")
    await worker.send("2026-12-10 14:00")
    suggestion = peer.last
    assert suggestion.text == (
        "Wren suggests Thu 10 Dec, 14:00 instead of Thu 3 Dec, 10:00. Does that suit you?"
    )
    await peer.press("Accept", message=suggestion)
    assert peer.last.text == "Agreed: the session is now Thu 10 Dec, 14:00."
    [row] = await sessions(bot)
    assert row.starts_at == datetime(2026, 12, 10, 14, 0, tzinfo=UTC)
    async with bot.uow() as uow:
        states = list(await uow.session.scalars(select(RearrangeRequest.state)))
    assert sorted(states) == ["accepted", "replaced"]


async def test_a_restart_in_the_middle_of_a_rearrangement_goes_on(bot: Harness) -> None:
    _, worker, peer = await team(bot)
    await worker.send("/schedule Sam 2026-12-03 10:00")
    await peer.press("Rearrange")
    await bot.restart()
    await peer.send("Any evening next week")
    assert "Any evening next week" in worker.last.text


async def test_outcomes_count_and_a_completed_programme_says_so(database_url: str, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.harness import running_bot

    async with running_bot(database_url, clock, programme_sessions=2) as bot:
        _, worker, peer = await team(bot)
        await worker.send("/schedule Sam 2026-12-02 10:00")
        await worker.send("/schedule Sam 2026-12-03 10:00")
        replies = await worker.send("/outcome")
        assert replies[0].text == "No past sessions are waiting for an outcome."

        bot.clock.set(datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
        questions = await worker.send("/outcome")
        assert [q.text for q in questions] == [
            "How did the session with Sam on Thu 3 Dec, 10:00 go?",
            "How did the session with Sam on Wed 2 Dec, 10:00 go?",
        ]
        await worker.press("Held", message=questions[1])
        assert worker.last.text.startswith("Marked as held. Add a short note for next time?")
        await worker.send("Talked about walking; try the morning routine")
        assert worker.last.text == "Note saved for next time."
        await worker.press("Held", message=questions[0])
        assert "Sam has completed their programme of 2 sessions." in [
            m.text for m in worker.messages[-2:]
        ]
        assert peer.last.text.startswith("That was session 2 of 2: you've completed your programme")
        await worker.press("Skip")

        rows = await sessions(bot)
        assert [r.state for r in rows] == ["held", "held"]
        assert rows[0].outcome_note == "Talked about walking; try the morning routine"
        async with bot.uow() as uow:
            programme = await uow.session.scalar(select(Programme))
        assert programme is not None and programme.state == "completed"
        peers = await worker.send("/peers")
        assert "Sam (programme completed): 2 of 2 sessions held" in peers[0].text


async def test_a_cancelled_outcome_counts_only_when_the_worker_says_so(bot: Harness) -> None:
    _, worker, _ = await team(bot)
    await worker.send("/schedule Sam 2026-12-02 10:00")
    bot.clock.set(datetime(2026, 12, 2, 12, 0, tzinfo=UTC))
    await worker.send("/outcome")
    replies = await worker.press("Cancelled")
    assert "won't count against the programme unless you say so" in replies[0].text
    assert (await sessions(bot))[0].counts_against is False
    replies = await worker.send("x" * 501)
    assert replies[0].text == "That note is a bit long. Please keep it to 500 characters."
    assert (await sessions(bot))[0].outcome_note is None
    await worker.press("Count it against the programme")
    [row] = await sessions(bot)
    assert (row.state, row.cancelled_by, row.counts_against) == ("cancelled", "worker", True)


async def test_forged_and_foreign_buttons_change_nothing(bot: Harness) -> None:
    coordinator, worker, peer = await team(bot)
    other_peer = await bot.join_peer(worker, "Alex", "Alex")
    other_worker = await bot.join_worker(coordinator, "Robin")
    await worker.send("/schedule Sam 2026-12-03 10:00")
    [row] = await sessions(bot)
    card = peer.last

    for person in (other_peer, other_worker, coordinator):
        await person.press_data(f"ses:ok:{row.id}:{row.version}", message=person.last)
        assert person.last_answer is not None
        assert "Thu 3 Dec" not in person.last_answer  # nothing about someone else's session
    await other_peer.press_data(f"ses:yes:{row.id}:{row.version}", message=other_peer.last)
    await other_worker.press_data(f"out:held:{row.id}", message=other_worker.last)
    await other_worker.press_data(f"rea:sug:{row.id}", message=other_worker.last)
    await other_peer.press_data("ses:ok:not-a-number", message=other_peer.last)
    await other_peer.press_data("nonsense", message=other_peer.last)
    assert card.text is not None
    [after] = await sessions(bot)
    assert (after.state, after.version, after.confirmed_at) == ("scheduled", 1, None)
    assert "Sam" not in (await other_worker.send("/diary"))[0].text


async def test_bad_scheduling_input_says_what_to_fix(bot: Harness) -> None:
    coordinator, worker, peer = await team(bot)
    await worker.send("/schedule Sam 2026-12-03 10:00")
    cases = {
        "/schedule Sam": "To schedule in one line",
        "/schedule 2026-12-03 10:00": "Please start with the peer's name",
        "/schedule Sam 2026-12-03": "Please add a time after the date",
        "/schedule Sam 2026-13-03 10:00": "I couldn't read the date “2026-13-03”",
        "/schedule Sam 2026-12-03 10:75": "I couldn't read the time “10:75”",
        "/schedule Nobody 2026-12-03 12:00": "I can't find a peer of yours called “Nobody”",
        "/schedule Sam 2026-11-30 10:00": "That time has already passed",
        "/schedule Sam 2026-12-03 10:30": "That overlaps another session",
        "/schedule Sam 2026-12-03 14:00 5": "A session can be 15 to 240 minutes long",
        "/schedule Sam 2026-12-03 14:00 60 " + "x" * 121: "keep it to 120 characters",
    }
    for command, answer in cases.items():
        replies = await worker.send(command)
        assert replies[0].text.startswith(answer) or answer in replies[0].text, command
    assert len(await sessions(bot)) == 1
    replies = await peer.send("/schedule Sam 2026-12-04 10:00")
    assert replies[0].text.startswith("That's not something I can do for you")
    replies = await coordinator.send("/diary")
    assert replies[0].text.startswith("That's not something I can do for you")


async def test_the_peer_sees_next_and_all_their_sessions(bot: Harness) -> None:
    _, worker, peer = await team(bot)
    replies = await peer.send("/next")
    assert replies[0].text.startswith("You have no upcoming session")
    await worker.send("/schedule Sam 2026-12-08 10:00")
    await worker.send("/schedule Sam 2026-12-03 10:00 90 Community room")
    replies = await peer.send("/next")
    assert replies[0].text.startswith("Your next session: session 1 of 10 with Wren")
    assert "Thu 3 Dec, 10:00–11:30 (90 minutes)" in replies[0].text
    replies = await peer.send("/sessions")
    assert replies[0].text == (
        "Coming up:\n• Thu 3 Dec, 10:00: not confirmed yet\n• Tue 8 Dec, 10:00: not confirmed yet"
    )


async def test_ten_oclock_london_is_ten_oclock_on_both_sides_of_the_autumn_change(
    bot: Harness,
) -> None:
    _, worker, peer = await team(bot, datetime(2027, 10, 20, 9, 0, tzinfo=UTC))
    await worker.send("/schedule Sam 2027-10-30 10:00")  # Saturday, BST (UTC+1)
    await worker.send("/schedule Sam 2027-11-01 10:00")  # Monday, GMT
    rows = await sessions(bot)
    assert [r.starts_at for r in rows] == [
        datetime(2027, 10, 30, 9, 0, tzinfo=UTC),
        datetime(2027, 11, 1, 10, 0, tzinfo=UTC),
    ]
    diary = (await worker.send("/diary"))[0].text
    assert "Sat 30 Oct, 10:00 — Sam" in diary and "Mon 1 Nov, 10:00 — Sam" in diary
    listing = (await peer.send("/sessions"))[0].text
    assert "Sat 30 Oct, 10:00" in listing and "Mon 1 Nov, 10:00" in listing


async def test_ten_oclock_london_is_ten_oclock_on_both_sides_of_the_spring_change(
    bot: Harness,
) -> None:
    _, worker, peer = await team(bot, datetime(2027, 3, 20, 9, 0, tzinfo=UTC))
    await worker.send("/schedule Sam 2027-03-27 10:00")  # Saturday, GMT
    await worker.send("/schedule Sam 2027-03-29 10:00")  # Monday, BST (UTC+1)
    rows = await sessions(bot)
    assert [r.starts_at for r in rows] == [
        datetime(2027, 3, 27, 10, 0, tzinfo=UTC),
        datetime(2027, 3, 29, 9, 0, tzinfo=UTC),
    ]
    cards = [m.text for m in peer.messages if m.text.startswith("A new session is booked")]
    assert "Sat 27 Mar, 10:00–11:00" in cards[0] and "Mon 29 Mar, 10:00–11:00" in cards[1]
    replies = await worker.send("/schedule Sam 2027-03-28 01:30")
    assert replies[0].text.startswith("01:30 doesn't exist that day because the clocks change")


async def test_the_worker_sees_peers_with_progress_and_who_cannot_be_reached(bot: Harness) -> None:
    _, worker, peer = await team(bot)
    await worker.send("/addpeer Jo")
    await worker.send("/schedule Sam 2026-12-03 10:00")
    async with bot.uow() as uow:
        sam = await uow.people.by_telegram_id(peer.user_id)
        assert sam is not None
        sam.unreachable_at = bot.clock()
        await uow.commit()
    text = (await worker.send("/peers"))[0].text
    assert "• Jo (hasn't joined yet): 0 of 10 sessions held; next: none booked" in text
    assert (
        "• Sam ⚠ can't be reached on Telegram: 0 of 10 sessions held; next: Thu 3 Dec, 10:00"
        in text
    )
    assert "can't be reached on Telegram" in (await worker.send("/diary"))[0].text


def member_update(bot: Harness, person: Person, status: str) -> dict[str, object]:
    bot_user = {"id": bot.api.bot_id, "is_bot": True, "first_name": "peerbot"}
    return {
        "chat": bot.api.chat_json(person.chat_id),
        "from": dict(person.user),
        "date": 0,
        "old_chat_member": {"user": bot_user, "status": "member"},
        "new_chat_member": {"user": bot_user, "status": status}
        | ({"until_date": 0} if status == "kicked" else {}),
    }


async def test_a_peer_who_blocks_the_bot_shows_as_unreachable_until_they_unblock(
    bot: Harness,
) -> None:
    _, worker, peer = await team(bot)
    bot.api.enqueue_update("my_chat_member", member_update(bot, peer, "kicked"))
    await peer.expect_silence(1.0)
    assert "Sam ⚠ can't be reached on Telegram" in (await worker.send("/peers"))[0].text
    bot.api.enqueue_update("my_chat_member", member_update(bot, peer, "member"))
    await peer.expect_silence(1.0)
    assert "can't be reached" not in (await worker.send("/peers"))[0].text


async def test_cancel_leaves_a_half_finished_flow(bot: Harness) -> None:
    _, worker, _ = await team(bot)
    await worker.send("/schedule")
    await worker.press("Sam")
    days = worker.last
    replies = await worker.send("/cancel")
    assert replies[0].text == "Okay, stopped there. Nothing more was changed."
    replies = await worker.send("10:00")
    assert replies[0].text == "Sorry, I didn't catch that. /help lists what I can do."
    await worker.press("Thu 3 Dec", message=days)
    assert worker.last_answer is not None and worker.last_answer.startswith("This has changed")
    assert (await worker.send("/cancel"))[0].text == "There's nothing to stop right now."
    assert await sessions(bot) == []
