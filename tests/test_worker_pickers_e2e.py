"""A peer worker's /settings pickers as they see them: each asks its question with its
buttons, and the working days picker stays open while days are turned on and off."""

from __future__ import annotations

from bot.texts import reminders as t
from tests.harness import Harness


async def test_the_working_hours_and_days_pickers_ask_and_the_days_stay_open(bot: Harness) -> None:
    _, worker, _ = await bot.team()
    [panel] = await worker.send("/settings")
    [hours] = await worker.press(t.BUTTON_HOURS, message=panel)
    assert hours.text == "Your working hours: tap a choice, or type your own like 09:30-16:30."
    [panel] = await worker.send("10:00-16:00")
    assert "Saved." in panel.text and "10:00–16:00, Mon–Fri" in panel.text
    [days] = await worker.press(t.BUTTON_DAYS, message=panel)
    assert days.text == "Tap the days you work."
    assert [b.text for b in days.buttons[1]][:2] == ["✓ Fri", "Sat"]
    [days] = await worker.press("Sat", message=days)
    assert days.text == "Tap the days you work."
    assert [b.text for b in days.buttons[1]][:2] == ["✓ Fri", "✓ Sat"]
