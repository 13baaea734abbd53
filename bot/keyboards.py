"""Every inline keyboard of the bot, as plain data: rows of keys, each a label and a payload.

Handlers and the scheduler share these; `handlers.common.markup` turns one into Telegram's
InlineKeyboardMarkup (this module does not import telegram). Labels come from the texts,
payloads from the codec in `bot.callbacks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from bot import callbacks as cb
from bot.services import scheduling
from bot.services.reminders import ReminderChoice
from bot.services.sessions import SessionView
from bot.services.strategies import LogStart, Overview, StrategyItem
from bot.services.worker_settings import LEAD_CHOICES
from bot.texts import privacy as tp
from bot.texts import reminders as tr
from bot.texts import sessions as ts
from bot.texts import strategies as tst
from bot.texts import team as tt


@dataclass(frozen=True)
class Key:
    """One button: a label and either a callback payload or a URL."""

    label: str
    data: str | None = None
    url: str | None = None


Row = tuple[Key, ...]
Keyboard = tuple[Row, ...]

# The guided /schedule's times, and the choices of the reminder and settings pickers.
SESSION_TIMES = tuple(time(h) for h in range(9, 18))
REMINDER_TIMES = {
    1: (time(17), time(18), time(19), time(20)),  # the day before
    2: (time(7), time(7, 30), time(8, 30), time(9)),  # on the morning
}
QUIET_CHOICES = ((time(21), time(8)), (time(22), time(7)), (time(20), time(9)), (time(23), time(7)))
HOURS_CHOICES = ((time(9), time(17)), (time(8), time(16)), (time(10), time(18)))
# Buttons for the most recent strategies; older ones can still be typed (matched by name).
PICK_SHOWN = 8
STRATEGIES_SHOWN = 20


def rows(keys: Sequence[Key], width: int) -> Keyboard:
    return tuple(tuple(keys[i : i + width]) for i in range(0, len(keys), width))


def column(keys: Iterable[Key]) -> Keyboard:
    return tuple((k,) for k in keys)


# -- sessions ------------------------------------------------------------------------------


def calendar_key() -> Key:
    """ "Add to my calendar", for under a session message: sends the presser's .ics."""
    return Key(tp.BUTTON_CALENDAR, cb.PRV_CALENDAR())


def session(session_id: int, version: int) -> Keyboard:
    """The peer's three answers to a session, and the session for their own calendar."""
    ids = (session_id, version)
    return (
        (Key(ts.BUTTON_CONFIRM, cb.SES_CONFIRM(*ids)),),
        (
            Key(ts.BUTTON_REARRANGE, cb.SES_REARRANGE(*ids)),
            Key(ts.BUTTON_CANCEL, cb.SES_ASK_CANCEL(*ids)),
        ),
        (calendar_key(),),
    )


def cancel_sure(session_id: int, version: int) -> Keyboard:
    ids = (session_id, version)
    return (
        (Key(ts.BUTTON_YES_CANCEL, cb.SES_CANCEL(*ids)), Key(ts.BUTTON_KEEP, cb.SES_KEEP(*ids))),
    )


def outcome(session_id: int) -> Keyboard:
    """The peer worker's three outcomes for a session that has ended."""
    return (
        (
            Key(ts.BUTTON_HELD, cb.OUT_HELD(session_id)),
            Key(ts.BUTTON_MISSED, cb.OUT_MISSED(session_id)),
            Key(ts.BUTTON_CANCELLED, cb.OUT_CANCELLED(session_id)),
        ),
    )


def after_outcome(session_id: int, cancelled: bool) -> Keyboard:
    skip = (Key(ts.BUTTON_SKIP, cb.OUT_SKIP_NOTE(session_id)),)
    if not cancelled:
        return (skip,)
    return (skip, (Key(ts.BUTTON_COUNT_IT, cb.OUT_COUNT(session_id)),))


def times_to_request(view: SessionView, slots: list[datetime]) -> Keyboard:
    return column(
        Key(ts.when(s, view.peer_tz), cb.REA_PICK(view.id, view.version, s)) for s in slots
    )


def times_to_suggest(slots: list[datetime], zone: str) -> Keyboard:
    return column(Key(ts.when(s, zone), cb.REA_SUGGESTED(s)) for s in slots)


def request_for_worker(view: SessionView) -> Keyboard:
    assert view.request is not None
    keys = [Key(ts.BUTTON_SUGGEST, cb.REA_SUGGEST(view.request.id))]
    if view.request.proposed_at is not None:
        keys.insert(0, Key(ts.BUTTON_ACCEPT, cb.REA_ACCEPT(view.request.id)))
    return (tuple(keys),)


def suggestion_for_peer(view: SessionView) -> Keyboard:
    assert view.request is not None
    return (
        (
            Key(ts.BUTTON_ACCEPT, cb.REA_ACCEPT(view.request.id)),
            Key(ts.BUTTON_REARRANGE, cb.SES_REARRANGE(view.id, view.version)),
        ),
    )


def peers_to_schedule(peers: Iterable[tuple[str, int]]) -> Keyboard:
    return rows([Key(name, cb.SCH_PEER(programme_id)) for name, programme_id in peers], 2)


def days(choices: Iterable[date]) -> Keyboard:
    return rows([Key(ts.day_label(d), cb.SCH_DAY(d)) for d in choices], 3)


def session_times() -> Keyboard:
    return rows([Key(tr.hhmm(at), cb.SCH_TIME(at)) for at in SESSION_TIMES], 3)


def lengths() -> Keyboard:
    return (tuple(Key(ts.length_label(m), cb.SCH_LENGTH(m)) for m in scheduling.LENGTHS),)


def places(last_place: str | None) -> Keyboard:
    keys = [Key(ts.BUTTON_NO_PLACE, cb.SCH_PLACE(0))]
    if last_place:
        keys.insert(0, Key(last_place[:60], cb.SCH_PLACE(1)))
    return (tuple(keys),)


# -- reminders and settings ----------------------------------------------------------------


def reminder_panel(choice: ReminderChoice) -> Keyboard:
    quiet = (choice.quiet_from, choice.quiet_until) if choice.has_quiet_hours else None
    return (
        (
            Key(tr.toggle_label(tr.BUTTON_DAY_BEFORE, choice.day_before), cb.REM_TOGGLE(1)),
            Key(tr.time_label(choice.day_before_at), cb.REM_ASK_TIME(1)),
        ),
        (
            Key(tr.toggle_label(tr.BUTTON_MORNING, choice.morning), cb.REM_TOGGLE(2)),
            Key(tr.time_label(choice.morning_at), cb.REM_ASK_TIME(2)),
        ),
        (Key(tr.toggle_label(tr.BUTTON_HOUR_BEFORE, choice.hour_before), cb.REM_TOGGLE(3)),),
        (
            Key(tr.quiet_label(quiet), cb.REM_ASK_QUIET()),
            Key(tr.toggle_label(tr.BUTTON_NONE, not choice.any), cb.REM_NONE()),
        ),
    )


def reminder_offer() -> Keyboard:
    """The one-time offer after joining: three choices and a first-class "No thanks"."""
    return (
        (Key(tr.BUTTON_DAY_BEFORE, cb.REM_TURN_ON(1)), Key(tr.BUTTON_MORNING, cb.REM_TURN_ON(2))),
        (
            Key(tr.BUTTON_HOUR_BEFORE, cb.REM_TURN_ON(3)),
            Key(tr.BUTTON_NO_THANKS, cb.REM_NO_THANKS()),
        ),
    )


def reminder_times(code: int) -> Keyboard:
    times = tuple(Key(tr.hhmm(at), cb.REM_SET_TIME(code, at)) for at in REMINDER_TIMES[code])
    return (times, (Key(tr.BUTTON_BACK, cb.REM_BACK()),))


def quiet_hours() -> Keyboard:
    keys = [Key(tr.span(a, b), cb.REM_SET_QUIET(a, b)) for a, b in QUIET_CHOICES]
    keys.append(Key(tr.BUTTON_NO_QUIET, cb.REM_SET_QUIET(time(0), time(0))))
    return (*column(keys), (Key(tr.BUTTON_BACK, cb.REM_BACK()),))


def worker_settings() -> Keyboard:
    return (
        (Key(tr.BUTTON_LEAD, cb.WSET_ASK_LEAD()), Key(tr.BUTTON_HOURS, cb.WSET_ASK_HOURS())),
        (Key(tr.BUTTON_DAYS, cb.WSET_ASK_DAYS()), Key(tr.BUTTON_TIMEZONE, cb.WSET_ASK_ZONE())),
    )


def summary_leads(current: int) -> Keyboard:
    keys = [
        Key(tr.toggle_label(tr.lead(m), m == current), cb.WSET_SET_LEAD(m)) for m in LEAD_CHOICES
    ]
    return (tuple(keys[:3]), tuple(keys[3:]), (Key(tr.BUTTON_BACK, cb.WSET_BACK()),))


def working_hours() -> Keyboard:
    keys = [Key(tr.span(a, b), cb.WSET_SET_HOURS(a, b)) for a, b in HOURS_CHOICES]
    return (*column(keys), (Key(tr.BUTTON_BACK, cb.WSET_BACK()),))


def working_days(work_days: str) -> Keyboard:
    keys = [
        Key(tr.toggle_label(name, str(i) in work_days), cb.WSET_TOGGLE_DAY(i))
        for i, name in enumerate(tr.WEEKDAYS, 1)
    ]
    return (tuple(keys[:4]), tuple(keys[4:]), (Key(tr.BUTTON_DONE, cb.WSET_BACK()),))


def worker_zones() -> Keyboard:
    keys = [Key(zone, cb.WSET_SET_ZONE(i)) for i, zone in enumerate(cb.WORKER_ZONES)]
    return (*column(keys), (Key(tr.BUTTON_BACK, cb.WSET_BACK()),))


def digest_settings() -> Keyboard:
    return column(
        [
            Key(tt.BUTTON_DAY, cb.TEAM_ASK_DAY()),
            Key(tt.BUTTON_TIME, cb.TEAM_ASK_TIME()),
            Key(tt.BUTTON_ZONE, cb.TEAM_ASK_ZONE()),
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


def forget(person_id: int) -> Keyboard:
    return (
        (Key(tp.BUTTON_FORGET, cb.PRV_FORGET(person_id)),),
        (Key(tp.BUTTON_KEEP, cb.PRV_KEEP(person_id)),),
    )


# -- strategies ----------------------------------------------------------------------------


def log_pick(start: LogStart) -> Keyboard:
    return column(
        Key(tst.short(s.name, 40), cb.LOG_PICK(start.nonce, s.id))
        for s in start.strategies[:PICK_SHOWN]
    )


def log_outcome(nonce: int, outcomes: Sequence[str]) -> Keyboard:
    keys = [Key(tst.OUTCOME_LABELS[o], cb.LOG_OUTCOME(nonce, i)) for i, o in enumerate(outcomes)]
    return (tuple(keys[:2]), tuple(keys[2:]))


def log_skip(nonce: int) -> Keyboard:
    return ((Key(tst.BUTTON_SKIP, cb.LOG_SKIP(nonce)),),)


def log_after() -> Keyboard:
    return ((Key(tst.BUTTON_LOG_ANOTHER, cb.LOG_AGAIN()), Key(tst.BUTTON_DONE, cb.LOG_DONE())),)


def summary_peers(peers: Iterable[tuple[str, int]]) -> Keyboard:
    return column(Key(tst.short(name, 40), cb.STR_SUMMARY(pid)) for name, pid in peers)


BACK_TO_STRATEGIES = (Key(tst.BUTTON_BACK, cb.STR_MENU()),)


def strategies_overview(overview: Overview) -> Keyboard:
    found: list[Row] = []
    if overview.strategies:
        found.append((Key(tst.BUTTON_CHANGE, cb.STR_PICK()),))
    if overview.this_week or overview.strategies:
        found.append((Key(tst.BUTTON_DELETE_ENTRY, cb.STR_ENTRIES()),))
    return tuple(found)


def strategies_to_pick(strategies: Sequence[StrategyItem]) -> Keyboard:
    keys = column(Key(tst.short(s.name, 40), cb.STR_SHOW(s.id)) for s in strategies)
    return (*keys[:STRATEGIES_SHOWN], BACK_TO_STRATEGIES)


def strategy(strategy_id: int) -> Keyboard:
    return (
        (
            Key(tst.BUTTON_RENAME, cb.STR_RENAME(strategy_id)),
            Key(tst.BUTTON_REMOVE, cb.STR_ASK_REMOVE(strategy_id)),
        ),
        BACK_TO_STRATEGIES,
    )


def keep_name() -> Keyboard:
    return ((Key(tst.BUTTON_KEEP, cb.STR_KEEP()),),)


def remove_sure(strategy_id: int) -> Keyboard:
    return (
        (
            Key(tst.BUTTON_YES_REMOVE, cb.STR_REMOVE(strategy_id)),
            Key(tst.BUTTON_KEEP, cb.STR_KEEP()),
        ),
    )


def entries(labelled: Iterable[tuple[str, int]]) -> Keyboard:
    return (*column(Key(label, cb.STR_ENTRY(i)) for label, i in labelled), BACK_TO_STRATEGIES)


def delete_sure(entry_id: int) -> Keyboard:
    return (
        (Key(tst.BUTTON_YES_DELETE, cb.STR_DELETE(entry_id)), Key(tst.BUTTON_KEEP, cb.STR_KEEP())),
    )


def back_to_strategies() -> Keyboard:
    return (BACK_TO_STRATEGIES,)
