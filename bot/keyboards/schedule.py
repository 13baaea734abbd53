"""Keyboards of the guided /schedule: who with, which day, what time, how long, where."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from bot import callbacks as cb
from bot.keyboards.keys import Key, Keyboard, rows
from bot.services import scheduling
from bot.texts import reminders as tr
from bot.texts import schedule as tsch
from bot.texts import sessions as ts

# The guided /schedule's times.
SESSION_TIMES = tuple(time(h) for h in range(9, 18))


def peers_to_schedule(peers: Iterable[tuple[str, int]]) -> Keyboard:
    return rows([Key(name, cb.SCH_PEER(programme_id)) for name, programme_id in peers], 2)


def days(choices: Iterable[date]) -> Keyboard:
    return rows([Key(ts.day_label(d), cb.SCH_DAY(d)) for d in choices], 3)


def session_times() -> Keyboard:
    return rows([Key(tr.hhmm(at), cb.SCH_TIME(at)) for at in SESSION_TIMES], 3)


def lengths() -> Keyboard:
    return (tuple(Key(tsch.length_label(m), cb.SCH_LENGTH(m)) for m in scheduling.LENGTHS),)


def places(last_place: str | None) -> Keyboard:
    keys = [Key(tsch.BUTTON_NO_PLACE, cb.SCH_PLACE(0))]
    if last_place:
        keys.insert(0, Key(last_place[:60], cb.SCH_PLACE(1)))
    return (tuple(keys),)
