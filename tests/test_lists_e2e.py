"""What people stumble on (#13): honest lists, one numbering, rearranging, /start, quiet
hours, Skip, and texts with and without an organisation name, as people see them."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.localapi import BotMessage, Person
from storage.models import PeerSession
from tests.conftest import Clock
from tests.harness import Harness

TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Tue 1 Dec 2026, GMT = UTC


async def team(bot: Harness, when: datetime = TUESDAY) -> tuple[Person, Person, Person]:
    bot.clock.set(when)
    return await bot.team()


async def cancel_first(peer: Person) -> None:
    """The peer cancels the first session they were told about."""
    card = next(m for m in peer.messages if m.text and m.text.startswith("A new session"))
    await peer.press("Can't make it", message=card)
    await peer.press("Yes, cancel it")


async def test_a_cancelled_session_next_week_is_listed_as_coming_up(bot: Harness) -> None:
    _, worker, peer = await team(bot)
    await worker.send("/schedule Sam 2026-12-08 10:00")
    await worker.send("/schedule Sam 2026-12-10 10:00")
    await cancel_first(peer)

    [reply] = await peer.send("/sessions")
    assert reply.text == (
        "Coming up:\n• Tue 8 Dec, 10:00: cancelled\n• Thu 10 Dec, 10:00: not confirmed yet"
    )


async def test_a_cancelled_session_has_no_number_and_the_next_one_takes_its_place(
    bot: Harness,
) -> None:
    _, worker, peer = await team(bot)
    await worker.send("/schedule Sam 2026-12-03 10:00")
    await worker.send("/schedule Sam 2026-12-04 10:00")
    await cancel_first(peer)

    [diary] = await worker.send("/diary")
    assert diary.text == (
        "Your next 14 days:\n"
        "• Thu 3 Dec, 10:00 — Sam (60 min): cancelled\n"
        "• Fri 4 Dec, 10:00 — Sam (60 min, 1 of 10): awaiting reply"
    )
    [card] = await peer.send("/next")
    assert card.text.startswith("Your next session: session 1 of 10 with Wren")


async def test_mydata_names_sessions_as_the_screens_do_never_by_database_id(
    bot: Harness,
) -> None:
    _, worker, peer = await team(bot)
    await worker.send("/schedule Sam 2026-12-03 10:00")
    await worker.send("/schedule Sam 2026-12-04 10:00")
    await cancel_first(peer)

    [reply] = await peer.send("/mydata")
    data = json.loads(reply.document or b"")
    assert [s["session"] for s in data["sessions"]] == [None, "1 of 10"]
    [reply] = await worker.send("/mydata")
    data = json.loads(reply.document or b"")
    assert [s["session"] for s in data["diary"]] == [None, "1 of 10"]
    for delivery in data["messages_sent_to_you"]:
        assert delivery["session"] in (None, "1 of 10")


async def outcome_sessions(bot: Harness) -> list[tuple[str, str | None]]:
    async with bot.uow() as uow:
        rows = await uow.session.scalars(select(PeerSession).order_by(PeerSession.id))
        return [(r.state, r.outcome_note) for r in rows]


async def test_a_typed_skip_at_the_note_step_skips_in_any_case(bot: Harness) -> None:
    _, worker, _ = await team(bot)
    await worker.send("/schedule Sam 2026-12-02 10:00")
    await worker.send("/schedule Sam 2026-12-02 14:00")
    bot.clock.set(datetime(2026, 12, 2, 16, 0, tzinfo=UTC))
    questions = await worker.send("/outcome")
    for question, typed in ((questions[0], "  SKIP! "), (questions[1], "skip.")):
        await worker.press("Held", message=question)
        # A typed Skip is the Skip button: its answer, and the question without its buttons.
        said, *edited = await worker.send(typed)
        assert said.text == "No note, that's fine."
        assert all(not m.buttons for m in edited)
    assert await outcome_sessions(bot) == [("held", None), ("held", None)]


async def test_start_after_joining_gives_the_crisis_contacts(bot: Harness) -> None:
    _, worker, peer = await team(bot)
    for person in (peer, worker):
        [reply] = await person.send("/start")
        assert reply.text.startswith("Hello again")
        assert "If you need help now:\n• Samaritans" in reply.text


async def test_start_after_stop_answers_in_one_message(bot: Harness) -> None:
    _, _, peer = await team(bot)
    await peer.send("/stop")
    replies = await peer.send("/start")
    assert [r.text.split(".")[0] for r in replies] == ["Hello again, Sam"]
    assert "Messages I send on my own are on again" in replies[0].text
    assert "Samaritans" in replies[0].text


@pytest.mark.parametrize(
    ("org_name", "greeting"),
    [
        ("our peer support service", "Hello! I'm the bot of our peer support service."),
        ("Riverside Peer Support", "Hello! I'm the bot of Riverside Peer Support."),
        ("Hillside Trust", "Hello! I'm the peer support bot of Hillside Trust."),
        ("", "Hello! I'm a peer support bot."),
    ],
)
async def test_a_stranger_is_greeted_well_with_any_organisation_name(
    database_url: str, clock: Clock, org_name: str, greeting: str
) -> None:
    from tests.harness import running_bot

    async with running_bot(database_url, clock, org_name=org_name) as bot:
        stranger = bot.api.person("Robin")
        [reply] = await stranger.send("/start")
        assert reply.text.split("\n")[0] == greeting
        [reply] = await stranger.send("hello")
        assert reply.text.startswith(greeting + " I can only chat")


async def digest_messages(bot: Harness, coordinator: Person, before: int) -> list[BotMessage]:
    """The digest's four messages from `before` on (text, two charts, file), once its file
    has arrived."""
    deadline = asyncio.get_running_loop().time() + 20
    assert await bot.api.wait_for(lambda: coordinator.last.kind == "document", deadline)
    return coordinator.messages[before:]


async def test_sessions_erased_by_forget_are_not_counted_as_cancelled(bot: Harness) -> None:
    coordinator, worker, peer = await team(bot)
    await worker.send("/schedule Sam 2026-12-03 10:00")
    await worker.send("/schedule Sam 2026-12-04 10:00")
    ask = (await peer.send("/forget"))[0]
    await peer.press("Yes, erase my data", message=ask)

    bot.clock.set(datetime(2026, 12, 5, 9, 0, tzinfo=UTC))
    before = len(coordinator.messages)
    await coordinator.send("/digest")
    text, _, _, _ = await digest_messages(bot, coordinator, before)
    assert "Cancelled 0" in text.text and "by peer" not in text.text


async def test_the_automatic_digest_has_the_same_captions_as_digest(bot: Harness) -> None:
    coordinator, _, _ = await team(bot)
    before = len(coordinator.messages)
    await coordinator.send("/digest")
    _, chart, _, table = await digest_messages(bot, coordinator, before)

    bot.clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))  # Monday 09:00 in London
    before = len(coordinator.messages)
    await bot.tick()
    _, weekly_chart, _, weekly_table = await digest_messages(bot, coordinator, before)
    assert weekly_chart.photo is not None and weekly_table.document is not None
    assert (weekly_chart.text, weekly_table.text) == (chart.text, table.text)
    assert chart.text == "Held, missed and cancelled sessions per peer worker, last 7 days."


async def test_forget_erases_the_buttons_last_shown_in_the_chat(bot: Harness) -> None:
    _, _, peer = await team(bot)
    ask = (await peer.send("/forget"))[0]
    async with bot.uow() as uow:
        await uow.keyboards.remember(
            peer.chat_id, ask.message_id, [("Yes, erase my data", "prv:go:1")], bot.clock()
        )
        await uow.commit()
    [done] = await peer.press("Yes, erase my data", message=ask)
    assert done.text.startswith("Done: your data is erased")
    async with bot.uow() as uow:
        assert await uow.keyboards.last(peer.chat_id) is None


async def test_rearranging_says_which_session_and_what_was_picked(bot: Harness) -> None:
    _, worker, peer = await team(bot)
    await worker.send("/schedule Sam 2026-12-03 10:00")
    card = peer.last
    [sure] = await peer.press("Can't make it", message=card)
    assert sure.text.startswith("Cancel your session on Thu 3 Dec, 10:00?")
    await peer.press("No, keep it", message=sure)

    [offer] = await peer.press("Rearrange", message=card)
    await peer.press("Fri 4 Dec, 10:00", message=offer)
    picker = peer._api.message(peer.chat_id, offer.message_id)
    assert picker is not None and picker.text.endswith("You picked Fri 4 Dec, 10:00.")


async def test_a_time_the_peer_asked_for_awaits_their_word_once_accepted(bot: Harness) -> None:
    _, worker, peer = await team(bot)
    await worker.send("/schedule Sam 2026-12-03 10:00")
    [offer] = await peer.press("Rearrange")
    await peer.press("Fri 4 Dec, 10:00", message=offer)
    await worker.press("Accept", message=worker.last)
    assert peer.last.text == "Agreed: the session is now Fri 4 Dec, 10:00. Will you be there?"
    [card] = await peer.send("/next")
    assert "Status: not confirmed yet" in card.text
    await peer.press("I'll be there", message=card)
    [card] = await peer.send("/next")
    assert "Status: you said you'll be there" in card.text


async def test_an_hour_before_warns_when_it_would_fall_in_quiet_hours(bot: Harness) -> None:
    _, _, peer = await team(bot)
    [panel] = await peer.send("/reminders")
    assert "Quiet hours: 21:00–08:00" in panel.text and "Note:" not in panel.text
    [panel] = await peer.press("An hour before", message=panel)
    assert (
        "Note: for a session starting between 22:00 and 09:00, an hour before falls in your "
        "quiet hours, so it won't come." in panel.text
    )


async def test_no_quiet_hours_is_exported_as_none(bot: Harness) -> None:
    _, _, peer = await team(bot)
    [panel] = await peer.send("/reminders")
    [panel] = await peer.press("An hour before", message=panel)
    [picker] = await peer.press("Quiet hours", message=panel)
    [panel] = await peer.press("No quiet hours", message=picker)
    assert "No quiet hours." in panel.text and "Note:" not in panel.text
    [reply] = await peer.send("/mydata")
    assert json.loads(reply.document or b"")["reminders"]["quiet_hours"] == "none"


async def test_a_typed_wish_can_be_accepted_and_the_worker_gives_the_time(bot: Harness) -> None:
    _, worker, peer = await team(bot)
    await worker.send("/schedule Sam 2026-12-03 10:00")
    await peer.send("/rearrange")
    await peer.send("Thursday afternoon")
    request = worker.last
    assert [b.text for row in request.buttons for b in row] == ["Accept", "Suggest another time"]

    await worker.press("Accept", message=request)
    assert worker.last.text == (
        "Which time did you agree for Sam's “Thursday afternoon”? "
        "Pick one, or type it as YYYY-MM-DD HH:MM."
    )
    await worker.send("2026-12-10 14:00")
    assert worker.last.text == "Agreed: the session with Sam is now Thu 10 Dec, 14:00."
    assert peer.last.text == "Agreed: the session is now Thu 10 Dec, 14:00. Will you be there?"
    [card] = await peer.send("/next")
    assert "Thu 10 Dec, 14:00" in card.text and "Status: not confirmed yet" in card.text
