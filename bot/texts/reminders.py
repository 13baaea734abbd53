"""Reminders, /stop, the messages sent on the clock, and peer workers' settings."""

from __future__ import annotations

from datetime import date, datetime, time

# -- the peer's choice ------------------------------------------------------------------

OFFER = (
    "Would you like reminders before your sessions? It's entirely your choice, "
    "and you can change it any time with /reminders."
)
BUTTON_DAY_BEFORE = "The day before"
BUTTON_MORNING = "On the morning"
BUTTON_HOUR_BEFORE = "An hour before"
BUTTON_NO_THANKS = "No thanks"
BUTTON_NONE = "None"
BUTTON_BACK = "Back"
BUTTON_NO_QUIET = "No quiet hours"
NO_THANKS = "Okay, no reminders. If you change your mind, /reminders is always there."

CHOICE_NAMES = {
    "day_before": "the day before",
    "morning": "on the morning",
    "hour_before": "an hour before",
}


def hhmm(at: time) -> str:
    return f"{at:%H:%M}"


def span(start: time, end: time) -> str:
    return f"{hhmm(start)}–{hhmm(end)}"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def panel(
    *,
    day_before: time | None,
    morning: time | None,
    hour_before: bool,
    quiet: tuple[time, time] | None,
    paused: bool,
    in_quiet: list[str],
    hour_before_quiet: tuple[time, time] | None = None,
) -> str:
    """The /reminders message: what the peer chose, in words, and what to tap."""
    chosen = []
    if day_before is not None:
        chosen.append(f"the day before at {hhmm(day_before)}")
    if morning is not None:
        chosen.append(f"on the morning at {hhmm(morning)}")
    if hour_before:
        chosen.append("an hour before")
    lines = [
        "Reminders are up to you.",
        f"Your choice: {_and(chosen)}." if chosen else "Your choice: no reminders.",
        f"Quiet hours: {span(*quiet)}, when nothing comes." if quiet else "No quiet hours.",
    ]
    for name in in_quiet:
        lines.append(f"Note: {CHOICE_NAMES[name]} falls in your quiet hours, so it won't come.")
    if hour_before_quiet is not None:
        lines.append(
            f"Note: for a session starting between {hhmm(hour_before_quiet[0])} and "
            f"{hhmm(hour_before_quiet[1])}, an hour before falls "
            "in your quiet hours, so it won't come."
        )
    if paused:
        lines.append("You've paused messages with /stop: nothing comes until you send /start.")
    lines.append("Tap to turn each on or off, or to change a time.")
    return "\n".join(lines)


def toggle_label(label: str, on: bool) -> str:
    return f"✓ {label}" if on else label


def time_label(at: time) -> str:
    return f"Time: {hhmm(at)}"


def quiet_label(quiet: tuple[time, time] | None) -> str:
    return f"Quiet hours: {span(*quiet)}" if quiet else "Quiet hours: none"


ASK_TIME = {
    "day_before": "When should the reminder the day before come? Tap a time, or type one like 19:30.",
    "morning": "When should the reminder on the morning come? Tap a time, or type one like 07:45.",
}
ASK_QUIET = (
    "Quiet hours: no message comes between these times. "
    "Tap a choice, or type your own like 22:00-07:00."
)

STOPPED = (
    "Paused. I won't send you anything on my own until you send /start. "
    "Every command still works whenever you want it."
)
ALREADY_STOPPED = "You're already paused. Send /start whenever you'd like messages again."

# -- messages sent on the clock --------------------------------------------------------


def when(moment: datetime) -> str:
    """A local moment as people say it: "Tuesday 3 March at 10:00"."""
    return f"{moment:%A} {moment.day} {moment:%B} at {moment:%H:%M}"


def _at_place(place: str | None) -> str:
    return f", at {place}" if place else ""


REMINDER_OPENERS = {
    "reminder_day_before": "A reminder, as you asked: your session is tomorrow.",
    "reminder_morning": "A reminder, as you asked: your session is today.",
    "reminder_hour_before": "A reminder, as you asked: your session starts in about an hour.",
}


# A reminder sent late (the bot was down at its time) must not say "tomorrow" on the day.
LATE_OPENER = "A reminder, as you asked: your session is coming up."


def reminder(
    kind: str, starts: datetime, minutes: int, place: str | None, worker: str, *, late: bool = False
) -> str:
    with_whom = f" with {worker}" if worker else ""
    opener = LATE_OPENER if late else REMINDER_OPENERS[kind]
    return (
        f"{opener}\n\n"
        f"{when(starts)}{_at_place(place)}, {minutes} minutes{with_whom}.\n\n"
        "Will you be there?"
    )


def summary_plain(peer: str, starts: datetime, minutes: int, place: str | None) -> str:
    return (
        f"Coming up: your session with {peer}, {when(starts)}{_at_place(place)}, {minutes} minutes."
    )


def outcome_prompt(peer: str, starts: datetime) -> str:
    return f"How did the session with {peer} on {when(starts)} go?"


def digest_plain(start: date, end: date, counts: dict[str, int]) -> str:
    return (
        f"Your weekly digest, {start:%-d %B} to {end:%-d %B}: "
        f"{counts.get('held', 0)} sessions held, {counts.get('missed', 0)} missed, "
        f"{counts.get('cancelled', 0)} cancelled."
    )


# -- peer workers' settings ----------------------------------------------------------

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def lead(minutes: int) -> str:
    if minutes % 1440 == 0:
        days = minutes // 1440
        return "1 day" if days == 1 else f"{days} days"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


def days(work_days: str) -> str:
    picked = [WEEKDAYS[int(d) - 1] for d in sorted(work_days) if d in "1234567"]
    if work_days == "12345":
        return "Mon–Fri"
    return ", ".join(picked) if picked else "no days"


def worker_settings(
    lead_minutes: int, work_from: time, work_until: time, work_days: str, tz: str
) -> str:
    return (
        "Your settings:\n"
        f"• Summaries arrive {lead(lead_minutes)} before each session.\n"
        f"• Working hours: {span(work_from, work_until)}, {days(work_days)}.\n"
        f"• Time zone: {tz}.\n"
        "Tap what you'd like to change."
    )


BUTTON_LEAD = "Summary timing"
BUTTON_HOURS = "Working hours"
BUTTON_DAYS = "Working days"
BUTTON_TIMEZONE = "Time zone"
BUTTON_DONE = "Done"
ASK_LEAD = "How long before each session should the summary arrive?"
ASK_HOURS = "Your working hours: tap a choice, or type your own like 09:30-16:30."
ASK_DAYS = "Tap the days you work."
ASK_TIMEZONE = "Type your time zone, like Europe/London or Europe/Dublin."
SAVED = "Saved."

PROBLEMS = {
    "time_unclear": "I couldn't read “{typed}” as a time. Please type it like 18:00.",
    "hours_unclear": "I couldn't read “{typed}” as hours. Please type them like 21:00-08:00.",
    "reminder_unknown": "That isn't a reminder I know. /reminders shows your choice.",
    "lead_unknown": "Please pick how long before a session the summary should arrive.",
    "timezone_unknown": (
        "I don't know the time zone “{typed}”. Please type a name like Europe/London."
    ),
    "hours_empty": "Working hours need a start before the end, like 09:00-17:00.",
}
