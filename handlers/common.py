"""What the handlers share: a typed context, turning domain errors into answers, and the
table's rows for buttons (a pattern from the codec, the handler that answers it)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from telegram import CallbackQuery, Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackContext, CallbackQueryHandler, ExtBot

from bot import texts
from bot.callbacks import Callback, feature_pattern
from bot.context import BotData
from bot.i18n import _
from bot.keyboards import Keyboard
from bot.services.caller import Caller
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
from handlers.presses import answered

log = logging.getLogger(__name__)


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The handlers' context: `context.bot_data` is our typed BotData.

    PTB builds one context an update and hands it to each group's handler in turn, so
    `caller` (read by the first, with the language) serves the handlers after it.
    """

    caller: Caller | None = None

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
        return _(texts.NOT_FOR_YOUR_ROLE)
    if isinstance(error, InvitationInvalid):
        return _(texts.INVITATION_PROBLEMS[error.reason])
    if isinstance(error, AlreadyJoined):
        return texts.already_joined(error.role)
    if isinstance(error, BadInput):
        return texts.problem(error.problem, error.details)
    return _(texts.SOMETHING_WENT_WRONG)


Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]
H = TypeVar("H", bound=Callable[..., Awaitable[None]])
T = TypeVar("T")


async def call(
    context: Context,
    service: Callable[..., Awaitable[T]],
    *args: Any,
    timed: bool = True,
    autocommit: bool = False,
    **kw: Any,
) -> T:
    """Run one service in a unit of work of its own (at the bot's now, unless `timed` is
    False) and return its result once committed: Telegram is called only after that.
    `autocommit`: the service only reads, or makes one write (storage/uow.py)."""
    data = context.bot_data
    if timed:
        kw["now"] = data.now()
    async with data.uow(autocommit=autocommit) as uow:
        return await service(uow, *args, **kw)


def answers_errors(handler: H) -> H:
    """Reply to a domain error with its text; the unit of work has already rolled back."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: Context, *args: Any) -> None:
        session_texts.TODAY.set(context.bot_data.now().date())  # far dates show their year
        try:
            await handler(update, context, *args)  # type: ignore[call-arg]
        except DomainError as error:
            log.info("update %s: %s", update.update_id, type(error).__name__)
            user = update.effective_user
            text = error_text(error, context.bot_data, user.id if user else None)
            await tell(update, text)

    return wrapper  # type: ignore[return-value]


async def tell(update: Update, text: str) -> None:
    """Say `text` about an update: in the press's pop-up while it has had no answer (or the
    button keeps spinning), else in the chat."""
    query = update.callback_query
    if query is not None and not answered(query):
        await query.answer(text[:200], show_alert=True)
    elif update.effective_chat is not None and update.effective_chat.type == Chat.PRIVATE:
        await update.effective_chat.send_message(text)  # never in a group (SPEC §2)


def not_modified(error: BaseException) -> bool:
    """Telegram's answer to an edit that changes nothing (a double tap): not a failure."""
    return isinstance(error, BadRequest) and "not modified" in str(error).lower()


def button(handler: object, callback: Callback) -> CallbackQueryHandler:  # type: ignore[type-arg]
    """The table's row for one kind of button: `handler` answers a press on it."""
    return CallbackQueryHandler(handler, pattern=callback.pattern)  # type: ignore[arg-type]


def stale(handler: object, prefix: str) -> CallbackQueryHandler:  # type: ignore[type-arg]
    """The table's row for a feature's other buttons: out of date, malformed or forged."""
    return CallbackQueryHandler(handler, pattern=feature_pattern(prefix))  # type: ignore[arg-type]


def parse_press(update: Update, button: Callback) -> tuple[Any, ...] | None:
    """The values of the pressed button, if it is one of `button`'s and in bounds."""
    assert update.callback_query
    return button.parse(update.callback_query.data)


def pressed(update: Update, button: Callback, problem: str | None = None) -> tuple[Any, ...]:
    """The values of the pressed button; for a malformed or forged one, Stale (or `problem`)."""
    values = parse_press(update, button)
    if values is None:
        raise BadInput(problem) if problem else Stale()
    return values


def press(
    update: Update, button: Callback, problem: str | None = None
) -> tuple[CallbackQuery, tuple[Any, ...]]:
    """The press and the values of its button (see `pressed`)."""
    assert update.callback_query
    return update.callback_query, pressed(update, button, problem)


def typed(update: Update) -> str:
    """What the person typed."""
    assert update.effective_message
    return update.effective_message.text or ""


def typed_by(update: Update) -> tuple[int, str]:
    """Who typed a message, and what they typed."""
    assert update.effective_user
    return update.effective_user.id, typed(update)


def markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    """Telegram's form of one of bot.keyboards' keyboards (None, or empty: no buttons)."""
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(k.label, callback_data=k.data, url=k.url) for k in row]
            for row in keyboard
        ]
    )


async def edit(query: CallbackQuery, text: str, keyboard: Keyboard | None = None) -> None:
    """Edit the pressed message; a repeated press that changes nothing is not an error.

    A button under a picture or a file has no text to replace: the answer comes as a new
    message instead.
    """
    try:
        await query.edit_message_text(text, reply_markup=markup(keyboard))
    except BadRequest as error:
        if not_modified(error):
            return
        if "no text in the message" not in str(error).lower() or query.message is None:
            raise
        await query.get_bot().send_message(
            query.message.chat.id, text, reply_markup=markup(keyboard)
        )


async def reply(update: Update, text: str, keyboard: Keyboard | None = None) -> None:
    """Answer the message of an update with `text` and its buttons, if any."""
    assert update.effective_message
    await update.effective_message.reply_text(text, reply_markup=markup(keyboard))


async def show(
    query: CallbackQuery, text: str, keyboard: Keyboard | None = None, answer: str | None = None
) -> None:
    """Answer the press (with `answer` in its pop-up, if any), then edit its message."""
    await query.answer(answer)
    await edit(query, text, keyboard)


async def settle(query: CallbackQuery, answer: str | None = None) -> None:
    """Answer the press (with `answer` in its pop-up, if any), then take its buttons off."""
    await query.answer(answer)
    await drop_buttons(query)


async def drop_buttons(query: CallbackQuery) -> None:
    """Take the buttons off the pressed message; already gone (a double tap) is fine."""
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest as error:
        if not not_modified(error):
            raise


async def notify(
    context: Context, telegram_id: int | None, text: str, keyboard: Keyboard | None = None
) -> bool:
    """Tell the other side of an action; False when they cannot be reached right now."""
    if telegram_id is None:
        return False
    try:
        await context.bot.send_message(telegram_id, text, reply_markup=markup(keyboard))
    except TelegramError as error:
        log.warning("could not notify chat %s: %s", telegram_id, type(error).__name__)
        return False
    return True
