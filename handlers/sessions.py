"""Sessions: scheduling, the diary, confirm / rearrange / cancel, outcomes (issue: sessions)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application

from bot.texts import sessions as t
from handlers.common import button


def session_keyboard(session_id: int, version: int) -> InlineKeyboardMarkup:
    """The peer's three answers to a session; the version makes buttons of an old time stale."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.BUTTON_CONFIRM, callback_data=button("ses", "ok", session_id, version)
                )
            ],
            [
                InlineKeyboardButton(
                    t.BUTTON_REARRANGE, callback_data=button("ses", "re", session_id, version)
                ),
                InlineKeyboardButton(
                    t.BUTTON_CANCEL, callback_data=button("ses", "no", session_id, version)
                ),
            ],
        ]
    )


def outcome_keyboard(session_id: int) -> InlineKeyboardMarkup:
    """The peer worker's three outcomes for a session that has ended."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.BUTTON_HELD, callback_data=button("out", "held", session_id)
                ),
                InlineKeyboardButton(
                    t.BUTTON_MISSED, callback_data=button("out", "missed", session_id)
                ),
                InlineKeyboardButton(
                    t.BUTTON_CANCELLED, callback_data=button("out", "cancelled", session_id)
                ),
            ]
        ]
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers (none until the feature lands)."""
