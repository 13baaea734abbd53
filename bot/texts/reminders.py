"""Reminders, /stop, the messages sent on the clock, and peer workers' settings."""

from __future__ import annotations

from datetime import date, datetime, time

from bot.i18n import N_, _, _n, join
from bot.texts.dates import day_month, hhmm as hhmm, long_when, weekday_short

# -- the peer's choice ------------------------------------------------------------------

OFFER = N_(
    "Would you like reminders before your sessions? It's entirely your choice, "
    "and you can change it any time with /reminders."
)
BUTTON_DAY_BEFORE = N_("The day before")
BUTTON_MORNING = N_("On the morning")
BUTTON_HOUR_BEFORE = N_("An hour before")
BUTTON_NO_THANKS = N_("No thanks")
BUTTON_NONE = N_("None")
BUTTON_BACK = N_("Back")
BUTTON_NO_QUIET = N_("No quiet hours")
NO_THANKS = N_("Okay, no reminders. If you change your mind, /reminders is always there.")


def span(start: time, end: time) -> str:
    return _("{start}–{end}", start=hhmm(start), end=hhmm(end))


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
        chosen.append(_("the day before at {time}", time=hhmm(day_before)))
    if morning is not None:
        chosen.append(_("on the morning at {time}", time=hhmm(morning)))
    if hour_before:
        chosen.append(_("an hour before"))
    lines = [
        _("Reminders are up to you."),
        _("Your choice: {chosen}.", chosen=join(chosen))
        if chosen
        else _("Your choice: no reminders."),
        _("Quiet hours: {span}, when nothing comes.", span=span(*quiet))
        if quiet
        else _("No quiet hours."),
    ]
    for name in in_quiet:
        lines.append(_(_IN_QUIET[name]))
    if hour_before_quiet is not None:
        lines.append(
            _(
                "Note: for a session starting between {start} and {end}, an hour before falls "
                "in your quiet hours, so it won't come.",
                start=hhmm(hour_before_quiet[0]),
                end=hhmm(hour_before_quiet[1]),
            )
        )
    if paused:
        lines.append(_("You've paused messages with /stop: nothing comes until you send /start."))
    lines.append(_("Tap to turn each on or off, or to change a time."))
    return "\n".join(lines)


# Whole sentences, so a translation can say each choice as its grammar needs.
_IN_QUIET = {
    "day_before": N_("Note: the day before falls in your quiet hours, so it won't come."),
    "morning": N_("Note: on the morning falls in your quiet hours, so it won't come."),
    "hour_before": N_("Note: an hour before falls in your quiet hours, so it won't come."),
}


def toggle_label(label: str, on: bool) -> str:
    """A marked button label (N_), ticked when on."""
    return f"✓ {_(label)}" if on else _(label)


def time_label(at: time) -> str:
    return _("Time: {time}", time=hhmm(at))


def quiet_label(quiet: tuple[time, time] | None) -> str:
    return _("Quiet hours: {span}", span=span(*quiet)) if quiet else _("Quiet hours: none")


ASK_TIME = {
    "day_before": N_(
        "When should the reminder the day before come? Tap a time, or type one like 19:30."
    ),
    "morning": N_(
        "When should the reminder on the morning come? Tap a time, or type one like 07:45."
    ),
}
ASK_QUIET = N_(
    "Quiet hours: no message comes between these times. "
    "Tap a choice, or type your own like 22:00-07:00."
)

STOPPED = N_(
    "Paused. I won't send you anything on my own until you send /start. "
    "Every command still works whenever you want it."
)
ALREADY_STOPPED = N_("You're already paused. Send /start whenever you'd like messages again.")

# -- messages sent on the clock --------------------------------------------------------


def when(moment: datetime) -> str:
    """A local moment as people say it: "Tuesday 3 March at 10:00"."""
    return long_when(moment)


def _where(moment: datetime, place: str | None) -> str:
    """'Tuesday 3 March at 10:00', with ', at <place>' when there is one."""
    if place:
        return _("{when}, at {place}", when=when(moment), place=place)
    return when(moment)


REMINDER_OPENERS = {
    "reminder_day_before": N_("A reminder, as you asked: your session is tomorrow."),
    "reminder_morning": N_("A reminder, as you asked: your session is today."),
    "reminder_hour_before": N_("A reminder, as you asked: your session starts in about an hour."),
}


# A reminder sent late (the bot was down at its time) must not say "tomorrow" on the day.
LATE_OPENER = N_("A reminder, as you asked: your session is coming up.")


def reminder(
    kind: str, starts: datetime, minutes: int, place: str | None, worker: str, *, late: bool = False
) -> str:
    opener = LATE_OPENER if late else REMINDER_OPENERS[kind]
    values = {"where": _where(starts, place)}
    if worker:
        details = _n(
            "{where}, {n} minute with {worker}.",
            "{where}, {n} minutes with {worker}.",
            minutes,
            worker=worker,
            **values,
        )
    else:
        details = _n("{where}, {n} minute.", "{where}, {n} minutes.", minutes, **values)
    return _("{opener}\n\n{details}\n\nWill you be there?", opener=_(opener), details=details)


def summary_plain(peer: str, starts: datetime, minutes: int, place: str | None) -> str:
    return _n(
        "Coming up: your session with {peer}, {where}, {n} minute.",
        "Coming up: your session with {peer}, {where}, {n} minutes.",
        minutes,
        peer=peer,
        where=_where(starts, place),
    )


def outcome_prompt(peer: str, starts: datetime) -> str:
    return _("How did the session with {peer} on {when} go?", peer=peer, when=when(starts))


def digest_plain(start: date, end: date, counts: dict[str, int]) -> str:
    held = counts.get("held", 0)
    return _n(
        "Your weekly digest, {start} to {end}: {n} session held, {missed} missed, "
        "{cancelled} cancelled.",
        "Your weekly digest, {start} to {end}: {n} sessions held, {missed} missed, "
        "{cancelled} cancelled.",
        held,
        start=day_month(start),
        end=day_month(end),
        missed=counts.get("missed", 0),
        cancelled=counts.get("cancelled", 0),
    )


# -- peer workers' settings ----------------------------------------------------------

# The days' short names (bot.keyboards.settings' working-days buttons); in text, Babel's.
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def lead(minutes: int) -> str:
    if minutes % 1440 == 0:
        return _n("{n} day", "{n} days", minutes // 1440)
    if minutes % 60 == 0:
        return _n("{n} hour", "{n} hours", minutes // 60)
    return _n("{n} minute", "{n} minutes", minutes)


def days(work_days: str) -> str:
    picked = [weekday_short(int(d)) for d in sorted(work_days) if d in "1234567"]
    if work_days == "12345":
        return _("{first}–{last}", first=weekday_short(1), last=weekday_short(5))
    return ", ".join(picked) if picked else _("no days")


def worker_settings(
    lead_minutes: int, work_from: time, work_until: time, work_days: str, tz: str
) -> str:
    return _(
        "Your settings:\n"
        "• Summaries arrive {lead} before each session.\n"
        "• Working hours: {hours}, {days}.\n"
        "• Time zone: {zone}.\n"
        "Tap what you'd like to change.",
        lead=lead(lead_minutes),
        hours=span(work_from, work_until),
        days=days(work_days),
        zone=tz,
    )


BUTTON_LEAD = N_("Summary timing")
BUTTON_HOURS = N_("Working hours")
BUTTON_DAYS = N_("Working days")
BUTTON_TIMEZONE = N_("Time zone")
BUTTON_DONE = N_("Done")
ASK_LEAD = N_("How long before each session should the summary arrive?")
ASK_HOURS = N_("Your working hours: tap a choice, or type your own like 09:30-16:30.")
ASK_DAYS = N_("Tap the days you work.")
ASK_TIMEZONE = N_("Type your time zone, like Europe/London or Europe/Dublin.")
SAVED = N_("Saved.")

PROBLEMS = {
    "time_unclear": N_("I couldn't read “{typed}” as a time. Please type it like 18:00."),
    "hours_unclear": N_("I couldn't read “{typed}” as hours. Please type them like 21:00-08:00."),
    "reminder_unknown": N_("That isn't a reminder I know. /reminders shows your choice."),
    "lead_unknown": N_("Please pick how long before a session the summary should arrive."),
    "timezone_unknown": N_(
        "I don't know the time zone “{typed}”. Please type a name like Europe/London."
    ),
    "hours_empty": N_("Working hours need a start before the end, like 09:00-17:00."),
}
