"""Typing works wherever a button does (issue 13, point 1): what a person types is matched
forgivingly against the newest keyboard in their chat, and acts as pressing that button."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from bot.texts import schedule as tsch, sessions as ts
from storage.models import LastKeyboard, PeerSession
from tests.harness import Harness

TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def states(bot: Harness) -> list[str]:
    async with bot.uow() as uow:
        return list(await uow.session.scalars(select(PeerSession.state).order_by(PeerSession.id)))


async def test_yes_after_next_confirms_as_the_button_would(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-03 10:00")
    await peer.send("/next")
    card = peer.last
    replies = await peer.send("yes")
    assert replies[0].text == ts.CONFIRMED  # the press's pop-up, as a message
    assert replies[-1].message_id == card.message_id  # the card is edited, as for a press
    assert "Status: you said you'll be there" in (replies[-1].text or "")
    assert await states(bot) == ["confirmed"]
    replies = await peer.send("ok I'll be there!")
    assert [r.text for r in replies] == [ts.ALREADY_CONFIRMED]


async def test_a_typed_number_presses_that_button_and_yes_answers_the_question(
    bot: Harness,
) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-03 10:00")
    replies = await peer.send("3")  # the third button: "Can't make it"
    [sure] = replies
    assert (sure.text or "").startswith("Cancel your session on Thu 3 Dec, 10:00")
    assert [b.text for row in peer.last.buttons for b in row] == ["Yes, cancel it", "No, keep it"]
    await peer.send("Yes")
    assert await states(bot) == ["cancelled"]
    assert "cancel" in (worker.last.text or "").lower()  # the worker is told, as for a press


async def test_no_keeps_the_session(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-03 10:00")
    await peer.send("can't make it")
    sure = peer.last
    replies = await peer.send("no")
    assert [(r.message_id, r.text) for r in replies] == [(sure.message_id, ts.CANCEL_KEPT)]
    assert await states(bot) == ["scheduled"]


async def test_text_matching_no_button_names_the_choices(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-03 10:00")
    [reply] = await peer.send("banana")
    assert reply.text is not None
    assert reply.text.startswith("Sorry, I didn't catch that.")
    for n, label in enumerate(["I'll be there", "Rearrange", "Can't make it"], 1):
        assert f"{n}. {label}" in reply.text
    [reply] = await peer.send("ca")  # "Can't make it" or "Add to my calendar"?
    assert (reply.text or "").startswith("I'm not sure which one you mean.")
    assert await states(bot) == ["scheduled"]


async def test_typing_at_a_buttons_only_step_of_guided_schedule(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, _ = await bot.team()
    await worker.send("/schedule")
    assert worker.last.text == tsch.PICK_PEER
    replies = await worker.send("sam")  # the peer's button, typed
    assert replies[-1].text == tsch.PICK_DAY
    replies = await worker.send("1")  # the first day offered
    assert replies[-1].text == tsch.PICK_TIME


async def remembered(bot: Harness, chat_id: int) -> LastKeyboard | None:
    async with bot.uow() as uow:
        return await uow.session.get(LastKeyboard, chat_id)


async def test_the_newest_keyboard_is_remembered_and_forgotten_when_taken_off(
    bot: Harness,
) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-03 10:00")
    card = peer.last
    kept = await remembered(bot, peer.chat_id)
    assert kept is not None and kept.message_id == card.message_id
    assert [label for label, _ in kept.buttons] == [b.text for row in card.buttons for b in row]
    await peer.press("Can't make it")
    sure = peer.last
    kept = await remembered(bot, peer.chat_id)
    assert kept is not None and kept.message_id == sure.message_id
    await peer.press("Yes, cancel it", message=sure)  # the question's buttons are taken off
    kept = await remembered(bot, peer.chat_id)
    assert kept is None or kept.message_id != sure.message_id


async def test_a_keyboard_the_scheduler_sent_can_be_typed_too(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, _ = await bot.team()
    await worker.send("/schedule Sam 2026-12-01 10:00")
    await bot.tick(2)  # plans what the session will need
    bot.clock.set(datetime(2026, 12, 1, 11, 5, tzinfo=UTC))  # the session is over
    asking = "How did the session with Sam"
    await bot.tick(2)
    deadline = asyncio.get_running_loop().time() + 10
    assert await bot.api.wait_for(lambda: asking in (worker.last.text or ""), deadline)
    replies = await worker.send("Held")
    assert (replies[-1].text or "").startswith("Marked as held.")
    assert await states(bot) == ["held"]
