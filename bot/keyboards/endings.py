"""The keyboards of a programme's end: /close's, and the three questions'."""

from __future__ import annotations

from collections.abc import Iterable

from bot import callbacks as cb
from bot.i18n import _
from bot.keyboards.keys import Key, Keyboard, column, rows
from bot.texts import endings as t, strategies as tst


def close_peers(peers: Iterable[tuple[str, int]]) -> Keyboard:
    """A button per peer whose programme is running."""
    return column(Key(tst.short(name, 40), cb.CLS_PEER(pid)) for name, pid in peers)


def close_reasons(programme_id: int) -> Keyboard:
    return column(
        Key(_(t.REASONS[code]), cb.CLS_REASON(programme_id, i))
        for i, code in enumerate(cb.CLOSE_REASONS)
    )


def close_sure(programme_id: int, reason: str) -> Keyboard:
    index = cb.CLOSE_REASONS.index(reason)
    return (
        (Key(_(t.BUTTON_CLOSE), cb.CLS_CONFIRM(programme_id, index)),),
        (Key(_(t.BUTTON_KEEP_GOING), cb.CLS_KEEP(programme_id)),),
    )


def _skip(programme_id: int, question: int) -> Key:
    return Key(_(t.BUTTON_SKIP), cb.END_SKIP(programme_id, question))


def helped(programme_id: int) -> Keyboard:
    """1 to 5 in one row, then Skip."""
    scale = [Key(str(n), cb.END_HELPED(programme_id, n)) for n in range(1, 6)]
    return (*rows(scale, 5), (_skip(programme_id, 1),))


def recommend(programme_id: int) -> Keyboard:
    choices = [
        Key(_(t.RECOMMEND[code]), cb.END_RECOMMEND(programme_id, i))
        for i, code in enumerate(cb.RECOMMEND)
    ]
    return (*rows(choices, 3), (_skip(programme_id, 2),))


def comment(programme_id: int) -> Keyboard:
    return ((_skip(programme_id, 3),),)
