"""Typing works wherever a button does (SPEC §1.6).

Every message the bot sends or edits with an inline keyboard in a private chat is noted as
that chat's newest keyboard (labels and callback data only, table `last_keyboards`), from
one place: the application's HTTP request object, which sees handlers' replies and the
scheduler's sends alike. Typed text that no flow step takes is matched forgivingly against
that keyboard's labels (`bot.services.names.choose`); a match is handed to the application
as a press of that button by the person who typed, so the same handler runs with the same
checks, and the answer a press would show in a pop-up arrives as a message.
"""

from __future__ import annotations

import logging
from datetime import datetime
from http import HTTPStatus
from typing import Any

from telegram import CallbackQuery, Chat, Message, Update
from telegram.ext import Application, ExtBot
from telegram.request import BaseRequest

from bot.context import BotData
from bot.messages import MESSAGE_SENDING
from bot.services.names import choose, words
from bot.texts import typed as tt
from handlers.common import Context
from handlers.presses import AnswersOnce

log = logging.getLogger(__name__)


def keyboard_of(message: dict[str, Any]) -> list[tuple[str, str]]:
    """The (label, callback data) of a sent message's buttons, in reading order."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [(b["text"], b["callback_data"]) for row in rows for b in row if b.get("callback_data")]


class KeyboardNotes(BaseRequest):
    """The bot's HTTP requests, noting each private chat's newest inline keyboard."""

    def __init__(self, inner: BaseRequest, data: BotData) -> None:
        self._inner, self._data = inner, data

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(self, url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await self._inner.do_request(url, *args, **kwargs)
        method = url.rsplit("/", 1)[-1]
        if method in MESSAGE_SENDING and code == HTTPStatus.OK:
            result = self.parse_json_payload(payload).get("result")
            if isinstance(result, dict):
                await self._note(method, result)
        return code, payload

    async def _note(self, method: str, message: dict[str, Any]) -> None:
        chat = message.get("chat") or {}
        if chat.get("type") != Chat.PRIVATE or "message_id" not in message:
            return
        buttons = keyboard_of(message)
        if not buttons and not method.startswith("edit"):
            return  # a message without buttons leaves the keyboard above it as it was
        try:  # one statement: no transaction needed around it
            async with self._data.uow(autocommit=True) as uow:
                if buttons:
                    now = self._data.now()
                    await uow.keyboards.remember(chat["id"], message["message_id"], buttons, now)
                else:  # its buttons were taken off
                    await uow.keyboards.forget(chat["id"], message["message_id"])
                await uow.commit()
        except Exception as error:  # a note missed must never fail the send itself
            log.warning(
                "chat %s: could not note the keyboard: %s", chat["id"], type(error).__name__
            )


def install(app: Application) -> None:  # type: ignore[type-arg]
    """Note every keyboard the application's bot sends or edits."""
    bot = app.bot
    updates, requests = bot._request  # PTB keeps its two requests here
    if isinstance(requests, KeyboardNotes):
        return
    with bot._unfrozen():
        bot._request = (updates, KeyboardNotes(requests, app.bot_data))


class TypedAnswers(AnswersOnce):
    """The bot for a typed press: its one answer (if it says anything) becomes a message."""

    def __init__(self, bot: ExtBot[None], update_id: int, chat_id: int) -> None:
        super().__init__(bot, update_id)
        self._chat_id = chat_id

    async def answer_callback_query(self, *args: Any, **kwargs: Any) -> bool:
        if self.answered:
            return False
        self.answered = True
        text = kwargs.get("text") or (args[1] if len(args) > 1 else None)
        if text:
            await self._bot.send_message(self._chat_id, text)
        return True


def _press(update: Update, context: Context, message_id: int, data: str, now: datetime) -> Update:
    """The update a press of `data` under message `message_id` by the typist would make."""
    assert update.effective_user and update.effective_chat
    chat = update.effective_chat
    message = Message(message_id=message_id, date=now, chat=chat)
    message.set_bot(context.bot)
    query = CallbackQuery(
        id=f"typed-{update.update_id}",
        from_user=update.effective_user,
        chat_instance=str(chat.id),
        message=message,
        data=data,
    )
    query.set_bot(TypedAnswers(context.bot, update.update_id, chat.id))  # type: ignore[arg-type]
    return Update(update.update_id, callback_query=query)


async def press_typed_choice(update: Update, context: Context, *, exact: bool = False) -> bool:
    """Press the button of the chat's newest keyboard that the typed text means, or name the
    choices. False when there is nothing to choose from (or, `exact`, when the text is not
    one of the labels as it stands, bar case, accents and punctuation): the caller answers."""
    assert update.effective_chat and update.effective_message
    data = context.bot_data
    async with data.uow() as uow:
        keyboard = await uow.keyboards.last(update.effective_chat.id)
        buttons = [(label, payload) for label, payload in keyboard.buttons] if keyboard else []
        message_id = keyboard.message_id if keyboard else 0
    text = update.effective_message.text or ""
    labels = [label for label, _ in buttons]
    found = choose(text, labels)
    if exact and not (len(found) == 1 and words(labels[found[0]]) == words(text)):
        return False
    if not buttons:
        return False
    if len(found) != 1:
        log.info("update %s: typed text matched %d buttons", update.update_id, len(found))
        await update.effective_message.reply_text(tt.choices(labels, several=len(found) > 1))
        return True
    log.info("update %s: typed text presses button %d", update.update_id, found[0] + 1)
    press = _press(update, context, message_id, buttons[found[0]][1], data.now())
    await context.application.process_update(press)
    return True
