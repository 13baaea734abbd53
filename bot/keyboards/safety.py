"""The buttons of lone-working check-ins (SPEC §8)."""

from __future__ import annotations

from bot import callbacks as cb
from bot.i18n import _
from bot.keyboards.keys import Key, Keyboard
from bot.texts import safety as t


def im_safe(checkin_id: int) -> Keyboard:
    return ((Key(_(t.BUTTON_SAFE), cb.SFY_SAFE(checkin_id)),),)


def handling(checkin_id: int) -> Keyboard:
    return ((Key(_(t.BUTTON_HANDLING), cb.SFY_HANDLE(checkin_id)),),)


def skip_place() -> Keyboard:
    return ((Key(_(t.BUTTON_SKIP), cb.SFY_SKIP_PLACE()),),)
