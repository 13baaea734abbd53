"""Whole messages built from the texts and a service's result, where that takes more than a
call: pure, no telegram, shared by handlers and tests."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services import reminders
from bot.services.delivery_times import in_quiet_hours
from bot.services.reminders import ReminderChoice
from bot.services.worker_settings import WorkerSettings
from bot.texts import reminders as t

UTC = ZoneInfo("UTC")

# The Bot API methods whose answer is a message the bot sent or changed (and so may carry
# an inline keyboard); deleteMessage also changes a chat, but leaves no message.
MESSAGE_SENDING = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)

# Telegram takes 4096 characters a message; a big team's digest goes in several.
MESSAGE_LIMIT = 4000


def message_parts(text: str) -> list[str]:
    """The text in messages under Telegram's limit, split between blocks."""
    parts: list[str] = []
    for block in text.split("\n\n"):
        if parts and len(parts[-1]) + 2 + len(block) <= MESSAGE_LIMIT:
            parts[-1] += "\n\n" + block
        else:
            parts.append(block[:MESSAGE_LIMIT])
    return parts


def _in_quiet(choice: ReminderChoice) -> list[str]:
    """Chosen fixed-time reminders that always fall inside the quiet hours."""
    found = []
    for name, on, at in (
        (reminders.DAY_BEFORE, choice.day_before, choice.day_before_at),
        (reminders.MORNING, choice.morning, choice.morning_at),
    ):
        moment = datetime(2000, 1, 1, at.hour, at.minute, tzinfo=UTC)
        if on and in_quiet_hours(moment, choice.quiet_from, choice.quiet_until, UTC):
            found.append(name)
    return found


def _hour_before_quiet(choice: ReminderChoice) -> tuple[time, time] | None:
    """The session starts whose "an hour before" falls inside the quiet hours, if any."""
    if not (choice.hour_before and choice.has_quiet_hours):
        return None
    day = datetime(2000, 1, 1, tzinfo=UTC)
    starts, ends = (
        (day.replace(hour=at.hour, minute=at.minute) + timedelta(hours=1)).time()
        for at in (choice.quiet_from, choice.quiet_until)
    )
    return starts, ends


def reminder_panel(choice: ReminderChoice) -> str:
    return t.panel(
        day_before=choice.day_before_at if choice.day_before else None,
        morning=choice.morning_at if choice.morning else None,
        hour_before=choice.hour_before,
        quiet=(choice.quiet_from, choice.quiet_until) if choice.has_quiet_hours else None,
        paused=choice.paused,
        in_quiet=_in_quiet(choice),
        hour_before_quiet=_hour_before_quiet(choice),
    )


def worker_settings(s: WorkerSettings) -> str:
    return t.worker_settings(
        s.summary_lead_minutes, s.work_from, s.work_until, s.work_days, s.timezone
    )
