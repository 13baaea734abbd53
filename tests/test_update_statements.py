"""What the update path costs the database: a /next and an "I'll be there" press, end to end.

The handlers before the features' (the sender's language, the flow a command ends, the
peers still on the list) share one read; the typed-button memory is one upsert. Counts may
go down; a new statement on this path should be a decision, not an accident.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event

from tests.harness import Harness

TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@contextmanager
def statements(bot: Harness) -> Iterator[list[str]]:
    """The statements the bot runs meanwhile (their first words), its clock's jobs paused."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()[:3]))

    assert bot.app is not None and bot.app.job_queue is not None
    bot.app.job_queue.scheduler.pause()  # no tick's statements among the update's
    event.listen(bot.db.engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(bot.db.engine.sync_engine, "before_cursor_execute", note)
        bot.app.job_queue.scheduler.resume()


async def test_next_costs_one_read_of_the_sender_one_of_the_view_and_the_keyboard_note(
    bot: Harness,
) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-03 10:00")
    with statements(bot) as seen:
        replies = await peer.send("/next")
    assert replies[0].text.startswith("Your next session")
    # Who they are (language, flow, on the list); the view with its peer; the keyboard, noted.
    assert [s.split()[0] for s in seen] == ["SELECT", "SELECT", "INSERT"], seen


async def test_a_confirm_press_costs_the_view_the_change_and_the_keyboard_note(
    bot: Harness,
) -> None:
    bot.clock.set(TUESDAY)
    _, worker, peer = await bot.team()
    await worker.send("/schedule Sam 2026-12-03 10:00")
    card = peer.last
    with statements(bot) as seen:
        await peer.press("I'll be there", message=card)
    assert peer.last_answer == "Thank you, that's confirmed. See you then."
    # Who they are; the session with its peer; the change (a session never moved needs no
    # new plan); the edited card's keyboard.
    words = [s.split()[0] for s in seen]
    assert words == ["SELECT", "SELECT", "UPDATE", "INSERT"], seen
