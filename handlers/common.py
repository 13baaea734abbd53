"""What the handlers share: a typed context and turning domain errors into answers."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import CallbackContext, ExtBot

from bot import texts
from bot.context import BotData
from bot.services.errors import (
    AlreadyJoined,
    BadInput,
    DomainError,
    InvitationInvalid,
    NotAllowed,
    NotJoined,
    NotYours,
    Stale,
)
from bot.texts import sessions as session_texts

log = logging.getLogger(__name__)


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The handlers' context: `context.bot_data` is our typed BotData."""

    @property
    def data(self) -> BotData:
        return self.bot_data


def error_text(error: DomainError, data: BotData, telegram_id: int | None = None) -> str:
    """The short answer a person reads for a domain error."""
    if isinstance(error, Stale):
        current = error.current
        for_peer = getattr(current, "peer_telegram_id", None) == telegram_id
        return session_texts.changed(current, for_peer)  # type: ignore[arg-type]
    if isinstance(error, NotYours):
        return session_texts.changed(None, False)
    if isinstance(error, NotJoined):
        return texts.stranger(data.settings.org_name)
    if isinstance(error, NotAllowed):
        return texts.NOT_FOR_YOUR_ROLE
    if isinstance(error, InvitationInvalid):
        return texts.INVITATION_PROBLEMS[error.reason]
    if isinstance(error, AlreadyJoined):
        return texts.already_joined(error.role)
    if isinstance(error, BadInput):
        return texts.INPUT_PROBLEMS[error.problem].format(**error.details)
    return texts.SOMETHING_WENT_WRONG


Handler = Callable[[Update, Context], Awaitable[None]]
H = TypeVar("H", bound=Callable[..., Awaitable[None]])


def answers_errors(handler: H) -> H:
    """Reply to a domain error with its text; the unit of work has already rolled back."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: Context, *args: Any) -> None:
        try:
            await handler(update, context, *args)  # type: ignore[call-arg]
        except DomainError as error:
            log.info("update %s: %s", update.update_id, type(error).__name__)
            user = update.effective_user
            text = error_text(error, context.bot_data, user.id if user else None)
            if update.callback_query is not None:
                # Always answer a callback query, or the button keeps spinning.
                await update.callback_query.answer(text[:200], show_alert=True)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(text)

    return wrapper  # type: ignore[return-value]


# Button payloads are opaque references, never content: "<feature>:<action>:<id>[:<id>…]".
# Each feature has its own prefix; the handler re-checks that the presser may act on every
# id, so a forged or replayed payload can only reach what its presser may already see.
def button(feature: str, action: str, *ids: int | str) -> str:
    data = ":".join([feature, action, *(str(i) for i in ids)])
    if len(data.encode()) > 64:  # Telegram's limit for callback_data
        raise ValueError("button payload over 64 bytes")
    return data


def parse_button(data: str | None, feature: str) -> tuple[str, list[int]] | None:
    """(action, ids) of a payload of `feature`; None for anything malformed or forged."""
    parts = (data or "").split(":")
    if len(parts) < 2 or parts[0] != feature:
        return None
    try:
        return parts[1], [int(p) for p in parts[2:]]
    except ValueError:
        return None


async def notify(
    context: Context, telegram_id: int | None, text: str, markup: object | None = None
) -> bool:
    """Tell the other side of an action; False when they cannot be reached right now."""
    if telegram_id is None:
        return False
    keyboard = markup if isinstance(markup, InlineKeyboardMarkup) else None
    try:
        await context.bot.send_message(telegram_id, text, reply_markup=keyboard)
    except TelegramError as error:
        log.warning("could not notify chat %s: %s", telegram_id, type(error).__name__)
        return False
    return True
