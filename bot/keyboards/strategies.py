"""Keyboards of the strategy log, /strategies and /summary's peers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot import callbacks as cb
from bot.i18n import _
from bot.keyboards.keys import Key, Keyboard, Row, column
from bot.services.strategies import LogStart, Overview, StrategyItem
from bot.texts import strategies as tst

# Buttons for the most recent strategies; older ones can still be typed (matched by name).
PICK_SHOWN = 8
STRATEGIES_SHOWN = 20


def log_pick(start: LogStart) -> Keyboard:
    return column(
        Key(tst.short(s.name, 40), cb.LOG_PICK(start.nonce, s.id))
        for s in start.strategies[:PICK_SHOWN]
    )


def log_outcome(nonce: int, outcomes: Sequence[str]) -> Keyboard:
    keys = [Key(tst.label(o), cb.LOG_OUTCOME(nonce, i)) for i, o in enumerate(outcomes)]
    return (tuple(keys[:2]), tuple(keys[2:]))


def log_skip(nonce: int) -> Keyboard:
    return ((Key(_(tst.BUTTON_SKIP), cb.LOG_SKIP(nonce)),),)


def log_after() -> Keyboard:
    return (
        (Key(_(tst.BUTTON_LOG_ANOTHER), cb.LOG_AGAIN()), Key(_(tst.BUTTON_DONE), cb.LOG_DONE())),
    )


def summary_peers(peers: Iterable[tuple[str, int]]) -> Keyboard:
    return column(Key(tst.short(name, 40), cb.STR_SUMMARY(pid)) for name, pid in peers)


def _back() -> Row:
    """The "Back" row to /strategies' overview, in the reader's language."""
    return (Key(_(tst.BUTTON_BACK), cb.STR_MENU()),)


def strategies_overview(overview: Overview) -> Keyboard:
    found: list[Row] = []
    if overview.strategies:
        found.append((Key(_(tst.BUTTON_CHANGE), cb.STR_PICK()),))
    if overview.this_week or overview.strategies:
        found.append((Key(_(tst.BUTTON_DELETE_ENTRY), cb.STR_ENTRIES()),))
    return tuple(found)


def strategies_to_pick(strategies: Sequence[StrategyItem]) -> Keyboard:
    keys = column(Key(tst.short(s.name, 40), cb.STR_SHOW(s.id)) for s in strategies)
    return (*keys[:STRATEGIES_SHOWN], _back())


def strategy(strategy_id: int) -> Keyboard:
    return (
        (
            Key(_(tst.BUTTON_RENAME), cb.STR_RENAME(strategy_id)),
            Key(_(tst.BUTTON_REMOVE), cb.STR_ASK_REMOVE(strategy_id)),
        ),
        _back(),
    )


def keep_name() -> Keyboard:
    return ((Key(_(tst.BUTTON_KEEP), cb.STR_KEEP()),),)


def remove_sure(strategy_id: int) -> Keyboard:
    return (
        (
            Key(_(tst.BUTTON_YES_REMOVE), cb.STR_REMOVE(strategy_id)),
            Key(_(tst.BUTTON_KEEP), cb.STR_KEEP()),
        ),
    )


def entries(labelled: Iterable[tuple[str, int]]) -> Keyboard:
    return (*column(Key(label, cb.STR_ENTRY(i)) for label, i in labelled), _back())


def delete_sure(entry_id: int) -> Keyboard:
    return (
        (
            Key(_(tst.BUTTON_YES_DELETE), cb.STR_DELETE(entry_id)),
            Key(_(tst.BUTTON_KEEP), cb.STR_KEEP()),
        ),
    )


def back_to_strategies() -> Keyboard:
    return (_back(),)
