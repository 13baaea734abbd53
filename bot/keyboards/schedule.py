"""Keyboards of the guided /schedule: who with, which day, what time, how long, where."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from bot import callbacks as cb
from bot.i18n import _
from bot.keyboards.keys import Key, Keyboard, rows
from bot.services import scheduling
from bot.texts import reminders as tr, schedule as tsch, sessions as ts

SESSION_TIMES = scheduling.SESSION_TIMES


def peers_to_schedule(peers: Iterable[tuple[str, int]]) -> Keyboard:
    return rows([Key(name, cb.SCH_PEER(programme_id)) for name, programme_id in peers], 2)


def days(choices: Iterable[date]) -> Keyboard:
    return rows([Key(ts.day_label(d), cb.SCH_DAY(d)) for d in choices], 3)


def session_times(times: Iterable[time] = SESSION_TIMES) -> Keyboard:
    """The times offered (none of today's that have passed)."""
    return rows([Key(tr.hhmm(at), cb.SCH_TIME(at)) for at in times], 3)


def lengths() -> Keyboard:
    return (tuple(Key(tsch.length_label(m), cb.SCH_LENGTH(m)) for m in scheduling.LENGTHS),)


def places(used: Iterable[str] | str | None) -> Keyboard:
    """The places this worker used before (the latest first), and "Decide later"."""
    named = [used] if isinstance(used, str) else list(used or [])
    keys = [Key(place[:60], cb.SCH_PLACE(n)) for n, place in enumerate(named, 1)]
    return (*rows(keys, 2), (Key(_(tsch.BUTTON_NO_PLACE), cb.SCH_PLACE(0)),))
