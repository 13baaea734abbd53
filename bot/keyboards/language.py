"""The /language choice: each language we ship, named in itself, the current one ticked."""

from __future__ import annotations

from bot import callbacks as cb
from bot.i18n import native_name
from bot.keyboards.keys import Key, Keyboard, column


def languages(choices: tuple[str, ...], current: str) -> Keyboard:
    return column(
        Key(("✓ " if code == current else "") + native_name(code), cb.LANG_SET(i))
        for i, code in enumerate(choices)
    )
