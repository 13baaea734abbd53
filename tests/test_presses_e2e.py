"""A press is answered exactly once, an unchanged message is not an error, and a failure to
answer after a change was saved is not reported as "nothing was changed" (issue 12: 6, 8)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from bot import texts
from bot.localapi import ApiCall, Person
from storage.models import Person as PersonRow, ReminderPrefs
from tests.harness import Harness

TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SORRY = "nothing was changed"


def answers(bot: Harness, person: Person) -> list[ApiCall]:
    """Every answerCallbackQuery the bot made to this person's presses."""
    return [
        c
        for c in bot.api.calls_to("answerCallbackQuery")
        if str(c.params.get("callback_query_id", "")).startswith(str(person.user_id))
    ]


def apologies(bot: Harness, person: Person) -> list[str]:
    """The generic apology, in the chat or in a pop-up."""
    said = [str(m.text or "") for m in person.messages]
    said += [str(c.params.get("text") or "") for c in answers(bot, person)]
    return [text for text in said if SORRY in text]


async def test_a_double_tap_on_ill_be_there_is_answered_twice_once_each(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-03 10:00")
    card = peer.last
    data = card.button("I'll be there").callback_data
    assert data
    await asyncio.gather(
        peer.press_data(data, message=card, expect_reply=False),
        peer.press_data(data, message=card, expect_reply=False),
    )
    calls = answers(bot, peer)
    assert [c.status for c in calls] == [200, 200]  # one each, none refused as too old
    assert sorted(str(c.params.get("text")) for c in calls) == [
        "Thank you, that's confirmed. See you then.",
        "You've already confirmed this one, nothing has changed.",
    ]
    assert apologies(bot, peer) == []


async def test_add_to_my_calendar_pressed_by_a_coordinator_gets_one_clear_answer(
    bot: Harness,
) -> None:
    bot.clock.set(TUESDAY)
    coordinator, _, _ = await bot.team()
    await coordinator.press_data("prv:cal", message=coordinator.last)
    calls = answers(bot, coordinator)
    assert [c.status for c in calls] == [200]
    assert calls[0].params.get("text") == texts.NOT_FOR_YOUR_ROLE
    assert apologies(bot, coordinator) == []


async def test_pressing_again_what_is_already_shown_is_not_an_error(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-03 10:00")
    await peer.press("Can't make it")
    sure = peer.last
    await peer.press("No, keep it", message=sure)
    # The same "No" again, from the same (already edited) message: the text is the same.
    await peer.press_data("ses:keep:1:1", message=sure, expect_reply=False)
    assert [c.status for c in answers(bot, peer)][-1:] == [200]
    assert apologies(bot, peer) == []


async def test_a_failed_answer_after_the_change_was_saved_is_not_a_rollback(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, _, peer = await bot.team()
    panel = (await peer.send("/reminders"))[0]
    bot.api.fail("answerCallbackQuery", status=502, times=1)
    await peer.press_data("rem:t:1", message=panel)
    async with bot.uow() as uow:
        sam = await uow.session.scalar(
            select(PersonRow).where(PersonRow.telegram_id == peer.user_id)
        )
        assert sam is not None
        prefs = await uow.session.get(ReminderPrefs, sam.id)
    assert prefs is not None and prefs.day_before is True
    assert [c.status for c in answers(bot, peer)] == [502]  # failed once, not tried again
    assert apologies(bot, peer) == []
    shown = bot.api.message(peer.chat_id, panel.message_id)
    assert shown is not None and shown.text != panel.text  # the panel shows the change


async def test_a_double_tap_on_a_rearrange_time_tells_the_worker_once(bot: Harness) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-03 10:00")
    offer = (await peer.press("Rearrange"))[-1]
    data = offer.button("Fri 4 Dec, 10:00").callback_data
    assert data
    await peer.press_data(data, message=offer)
    await peer.press_data(data, message=offer, expect_reply=False)  # the buttons are gone
    assert apologies(bot, peer) == []
    assert all(c.status == 200 for c in answers(bot, peer))
    requests = [m for m in worker.messages if str(m.text).startswith("Sam would like")]
    assert len(requests) == 1 and requests[0].text.startswith("Sam would like Fri 4 Dec, 10:00")
    await worker.press("Accept", message=requests[0])
    assert peer.last.text == "Agreed: the session is now Fri 4 Dec, 10:00. Will you be there?"


async def test_a_button_pressed_under_a_file_gets_its_answer_as_a_new_message(
    bot: Harness,
) -> None:
    # A forged press can name any message: one with a file has no text to edit.
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-03 10:00")
    await peer.press("Can't make it")
    await peer.send("/mydata")
    document = peer.last
    assert document.document is not None
    await peer.press_data("ses:keep:1:1", message=document)
    assert apologies(bot, peer) == []
    assert peer.last.text == texts.sessions.CANCEL_KEPT
