"""What people stumble on (#13): honest lists, one numbering, rearranging, /start, quiet
hours, Skip, and texts with and without an organisation name, as people see them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from bot.localapi import Person
from storage.models import PeerSession
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
    await worker.press("Held", message=questions[0])
    [reply] = await worker.send("  SKIP! ")
    assert reply.text == "No note, that's fine."
    await worker.press("Held", message=questions[1])
    [reply] = await worker.send("skip.")
    assert reply.text == "No note, that's fine."
    assert await outcome_sessions(bot) == [("held", None), ("held", None)]
