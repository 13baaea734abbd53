"""Keyboards of settings: reminders, peer workers' and coordinators' settings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time

from bot import callbacks as cb
from bot.i18n import _
from bot.keyboards.keys import Key, Keyboard, column, rows
from bot.services.reminders import ReminderChoice
from bot.services.worker_settings import LEAD_CHOICES
from bot.texts import reminders as tr, team as tt, worker_settings_more as trf

REMINDER_TIMES = {
    1: (time(17), time(18), time(19), time(20)),  # the day before
    2: (time(7), time(7, 30), time(8, 30), time(9)),  # on the morning
}
QUIET_CHOICES = ((time(21), time(8)), (time(22), time(7)), (time(20), time(9)), (time(23), time(7)))
HOURS_CHOICES = ((time(9), time(17)), (time(8), time(16)), (time(10), time(18)))


def reminder_panel(choice: ReminderChoice) -> Keyboard:
    quiet = (choice.quiet_from, choice.quiet_until) if choice.has_quiet_hours else None
    return (
        (
            Key(tr.toggle_label(_(tr.BUTTON_DAY_BEFORE), choice.day_before), cb.REM_TOGGLE(1)),
            Key(tr.time_label(choice.day_before_at), cb.REM_ASK_TIME(1)),
        ),
        (
            Key(tr.toggle_label(_(tr.BUTTON_MORNING), choice.morning), cb.REM_TOGGLE(2)),
            Key(tr.time_label(choice.morning_at), cb.REM_ASK_TIME(2)),
        ),
        (Key(tr.toggle_label(_(tr.BUTTON_HOUR_BEFORE), choice.hour_before), cb.REM_TOGGLE(3)),),
        (
            Key(tr.quiet_label(quiet), cb.REM_ASK_QUIET()),
            Key(tr.toggle_label(_(tr.BUTTON_NONE), not choice.any), cb.REM_NONE()),
        ),
    )


def reminder_offer() -> Keyboard:
    """The one-time offer after joining: three choices and a first-class "No thanks"."""
    return (
        (
            Key(_(tr.BUTTON_DAY_BEFORE), cb.REM_TURN_ON(1)),
            Key(_(tr.BUTTON_MORNING), cb.REM_TURN_ON(2)),
        ),
        (
            Key(_(tr.BUTTON_HOUR_BEFORE), cb.REM_TURN_ON(3)),
            Key(_(tr.BUTTON_NO_THANKS), cb.REM_NO_THANKS()),
        ),
    )


def reminder_times(code: int) -> Keyboard:
    times = tuple(Key(tr.hhmm(at), cb.REM_SET_TIME(code, at)) for at in REMINDER_TIMES[code])
    return (times, (Key(_(tr.BUTTON_BACK), cb.REM_BACK()),))


def quiet_hours() -> Keyboard:
    keys = [Key(tr.span(a, b), cb.REM_SET_QUIET(a, b)) for a, b in QUIET_CHOICES]
    keys.append(Key(_(tr.BUTTON_NO_QUIET), cb.REM_SET_QUIET(time(0), time(0))))
    return (*column(keys), (Key(_(tr.BUTTON_BACK), cb.REM_BACK()),))


def worker_settings(safety: bool | None = None) -> Keyboard:
    """The peer worker's panel; `safety` (on or off) only when the service uses check-ins."""
    last = [Key(_(trf.BUTTON_CAPACITY), cb.WSET_ASK_CAPACITY())]
    if safety is not None:
        state = _(trf.ON if safety else trf.OFF)
        last.append(Key(_(trf.BUTTON_SAFETY, state=state), cb.WSET_SAFETY(0 if safety else 1)))
    return (
        (Key(_(tr.BUTTON_LEAD), cb.WSET_ASK_LEAD()), Key(_(tr.BUTTON_HOURS), cb.WSET_ASK_HOURS())),
        (
            Key(_(tr.BUTTON_DAYS), cb.WSET_ASK_DAYS()),
            Key(_(tr.BUTTON_TIMEZONE), cb.WSET_ASK_ZONE()),
        ),
        tuple(last),
    )


def capacities(current: int) -> Keyboard:
    keys = [
        Key(f"✓ {n}" if n == current else str(n), cb.WSET_SET_CAPACITY(n))
        for n in cb.CAPACITY_CHOICES
    ]
    return (*rows(keys, 4), (Key(_(trf.BUTTON_BACK_SETTINGS), cb.WSET_BACK()),))


def summary_leads(current: int) -> Keyboard:
    keys = [
        Key(tr.toggle_label(tr.lead(m), m == current), cb.WSET_SET_LEAD(m)) for m in LEAD_CHOICES
    ]
    return (tuple(keys[:3]), tuple(keys[3:]), (Key(_(tr.BUTTON_BACK), cb.WSET_BACK()),))


def working_hours() -> Keyboard:
    keys = [Key(tr.span(a, b), cb.WSET_SET_HOURS(a, b)) for a, b in HOURS_CHOICES]
    return (*column(keys), (Key(_(tr.BUTTON_BACK), cb.WSET_BACK()),))


def working_days(work_days: str) -> Keyboard:
    keys = [
        Key(tr.toggle_label(_(name), str(i) in work_days), cb.WSET_TOGGLE_DAY(i))
        for i, name in enumerate(tr.WEEKDAYS, 1)
    ]
    return (tuple(keys[:4]), tuple(keys[4:]), (Key(_(tr.BUTTON_DONE), cb.WSET_BACK()),))


def worker_zones() -> Keyboard:
    keys = [Key(zone, cb.WSET_SET_ZONE(i)) for i, zone in enumerate(cb.WORKER_ZONES)]
    return (*column(keys), (Key(_(tr.BUTTON_BACK), cb.WSET_BACK()),))


def digest_settings() -> Keyboard:
    return column(
        [
            Key(_(tt.BUTTON_DAY), cb.TEAM_ASK_DAY()),
            Key(_(tt.BUTTON_TIME), cb.TEAM_ASK_TIME()),
            Key(_(tt.BUTTON_ZONE), cb.TEAM_ASK_ZONE()),
        ]
    )


def digest_days(weekdays: Iterable[int]) -> Keyboard:
    keys = [Key(tt.day_button(d), cb.TEAM_SET_DAY(d)) for d in weekdays]
    return (tuple(keys[:4]), tuple(keys[4:]))


def digest_times() -> Keyboard:
    return (
        tuple(
            Key(f"{at.hour:02d}:{at.minute:02d}", cb.TEAM_SET_TIME(at.hour, at.minute))
            for at in cb.DIGEST_TIMES
        ),
    )


def digest_zones() -> Keyboard:
    keys = [Key(zone, cb.TEAM_SET_ZONE(i)) for i, zone in enumerate(cb.DIGEST_ZONES)]
    return (tuple(keys[:2]), tuple(keys[2:]))
