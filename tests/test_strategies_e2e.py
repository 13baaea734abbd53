"""The strategy log and the pre-session summary, end to end, as peers and staff see them."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from storage.models import Programme, SessionState, Strategy, StrategyEntry
from tests import factories
from tests.harness import Harness


async def book_sessions(bot: Harness, *, old_entry: bool = True) -> int:
    """Sam's held session a week ago, the next one tomorrow, and an entry from before."""
    now = bot.clock()
    async with bot.uow() as uow:
        programme = await uow.session.scalar(select(Programme))
        assert programme is not None
        await factories.session(
            uow,
            programme,
            now - timedelta(days=7),
            now=now,
            state=SessionState.HELD,
            outcome_note="Try the walk again",
        )
        await factories.session(
            uow, programme, now + timedelta(days=1), now=now, state=SessionState.CONFIRMED
        )
        if old_entry:
            when = now - timedelta(days=8)
            old = Strategy(
                peer_id=programme.peer_id, name="Old idea", created_at=when, last_used_at=when
            )
            uow.session.add(old)
            await uow.flush()
            uow.session.add(
                StrategyEntry(
                    strategy_id=old.id, peer_id=programme.peer_id, outcome="helped", logged_at=when
                )
            )
        await uow.commit()
        return programme.id


async def test_a_peer_logs_edits_and_deletes_and_the_worker_sees_this_weeks_log(
    bot: Harness,
) -> None:
    _coordinator, worker, peer = await bot.team()
    await book_sessions(bot)

    # A new strategy, typed.
    (ask,) = await peer.send("/log")
    assert ask.text == "Which strategy did you try? Pick one, or type a new one."
    assert [b.text for row in ask.buttons for b in row] == ["Old idea"]
    (ask,) = await peer.send("Walk after lunch")
    assert ask.text == "How did “Walk after lunch” go?"
    assert [b.text for row in ask.buttons for b in row] == [
        "Helped",
        "A bit",
        "Didn't help",
        "Didn't get to try",
    ]
    (ask,) = await peer.press("Helped")
    assert "Type a short note, or press Skip." in ask.text
    assert "116 123" in ask.text and "not watched around the clock" in ask.text
    (done,) = await peer.press("Skip")
    assert done.text == "Logged: “Walk after lunch”, Helped."

    # The same strategy, picked from the list (most recent first), with a note.
    replies = await peer.press("Log another")
    assert [b.text for row in replies[-1].buttons for b in row] == ["Walk after lunch", "Old idea"]
    await peer.press("Walk after lunch")
    await peer.press("A bit")
    (done,) = await peer.send("Felt calmer after")
    assert done.text == "Logged: “Walk after lunch”, A bit, with your note."

    # Didn't get to try, with a note.
    await peer.press("Log another")
    await peer.send("Breathing exercise")
    await peer.press("Didn't get to try")
    (done,) = await peer.send("Busy week")
    assert done.text == "Logged: “Breathing exercise”, Didn't get to try, with your note."
    await peer.press("Done")
    assert peer.last_answer == "Thanks, that's all saved."

    # Rename a strategy.
    (view,) = await peer.send("/strategies")
    assert view.text.startswith("Logged in the last 7 days:\n")
    assert "Breathing exercise, Didn't get to try\n  “Busy week”" in view.text
    assert "Old idea" in view.text.split("Your strategies:")[1]
    await peer.press("Rename or remove a strategy")
    await peer.press("Breathing exercise")
    (ask,) = await peer.press("Rename")
    assert ask.text == "What would you like to call “Breathing exercise” now? Type the new name."
    (done,) = await peer.send("Box breathing")
    assert done.text == "Renamed “Breathing exercise” to “Box breathing”."

    # Delete an entry, with a confirmation.
    await peer.send("/strategies")
    await peer.press("Delete an entry")
    (ask,) = await peer.press("Walk after lunch · Helped")
    assert ask.text.startswith("Delete this entry?\n")
    (done,) = await peer.press("Yes, delete it")
    assert done.text.startswith("Deleted: ") and "Walk after lunch, Helped" in done.text

    # The worker's summary: exactly what was logged since the last held session.
    (summary,) = await worker.send("/summary Sam")
    text = summary.text or ""
    assert text.startswith("Before your session with Sam\nSession 2 of 10\n")
    assert "✓ Sam confirmed." in text
    tried = text.split("Tried since ")[1].split("\n\n")[0]
    assert re.sub(r" \(\w{3} \d{1,2} \w{3}\)", "", tried.split(" (2):\n")[1]) == (
        "• Box breathing: Didn't get to try\n"
        "  “Busy week”\n"
        "• Walk after lunch: A bit\n"
        "  “Felt calmer after”"
    )
    assert "Old idea" not in text and "Helped" not in text
    assert "Your note from last time: “Try the walk again”" in text
    assert text.endswith("So far: 1 held, 0 missed.")

    # Removing a strategy takes its entries with it.
    await peer.send("/strategies")
    await peer.press("Rename or remove a strategy")
    await peer.press("Old idea")
    (ask,) = await peer.press("Remove")
    assert ask.text == "Remove “Old idea” from your list? Its 1 entry goes too."
    (done,) = await peer.press("Yes, remove it")
    assert done.text == "Removed “Old idea” from your list."
    async with bot.uow() as uow:
        names = sorted(await uow.session.scalars(select(Strategy.name)))
        outcomes = sorted(await uow.session.scalars(select(StrategyEntry.outcome)))
    assert names == ["Box breathing", "Walk after lunch"]
    assert outcomes == ["a_bit", "didnt_try"]


async def test_nobody_else_sees_a_peers_log_and_bad_input_gets_a_clear_answer(bot: Harness) -> None:
    coordinator, worker, peer = await bot.team()
    programme_id = await book_sessions(bot, old_entry=False)
    other = await bot.join_worker(coordinator, "Kit")

    # Empty and long inputs: a clear answer, nothing saved, the step goes on.
    (ask,) = await peer.send("/log")
    assert (
        ask.text.startswith("You have no strategies on your list yet, so please type")
        and not ask.buttons
    )
    (answer,) = await peer.send("   ")
    assert answer.text == "Please type the strategy in a few words, like: Walk after lunch"
    (answer,) = await peer.send("w" * 201)
    assert answer.text.startswith("That's 201 characters, a bit long for a strategy.")
    await peer.send("Private walk")
    (answer,) = await peer.send("it was fine I guess")
    assert answer.text == "How did it go? Please pick one of the buttons."
    await peer.send("didn't help")
    (answer,) = await peer.send("n" * 501)
    assert answer.text.startswith("That note is 501 characters. Please keep it to 500")
    async with bot.uow() as uow:
        assert list(await uow.session.scalars(select(StrategyEntry))) == []
    (done,) = await peer.send("Secret note")
    assert done.text == "Logged: “Private walk”, Didn't help, with your note."
    # Skip under the finished note prompt is stale now: it changes nothing.
    prompt = next(m for m in peer.messages if any(b.text == "Skip" for r in m.buttons for b in r))
    await peer.press("Skip", message=prompt)
    assert peer.last_answer == "This step is over, so nothing was changed. /log starts a new entry."

    (summary,) = await worker.send("/summary sam")
    assert "Private walk: Didn't help" in (summary.text or "")
    assert "“Secret note”" in (summary.text or "")
    (choose,) = await worker.send("/summary")
    assert choose.text == "Whose next session? Pick a peer, or type /summary and their name."
    (summary,) = await worker.press("Sam")
    assert (summary.text or "").startswith("Before your session with Sam\n")
    assert not summary.buttons

    # Another worker and a coordinator: no summary, no list, no button gets through.
    (answer,) = await other.send("/summary Sam")
    assert answer.text == "I can't find a peer of yours called “Sam”. /peers lists them."
    (answer,) = await other.send("/summary")
    assert answer.text == "You have no peers yet. /addpeer adds one."
    await other.press_data(f"str:sum:{programme_id}", message=answer)
    assert other.last_answer == "That peer isn't on your list any more. /summary lists your peers."
    (answer,) = await coordinator.send("/summary Sam")
    assert (
        answer.text == "That's not something I can do for you, sorry. /help lists what you can do."
    )
    (answer,) = await coordinator.send("/strategies")
    assert answer.text.startswith("That's not something I can do for you")
    (answer,) = await worker.send("/strategies")
    assert answer.text.startswith("That's not something I can do for you")
    async with bot.uow() as uow:
        entry_id = await uow.session.scalar(select(StrategyEntry.id))
    await worker.press_data(f"str:e:{entry_id}", message=summary)
    assert (worker.last_answer or "").startswith("That's not something I can do for you")
    for person in (other, coordinator):
        seen = " ".join(m.text or "" for m in person.messages)
        assert "Private walk" not in seen and "Secret note" not in seen
