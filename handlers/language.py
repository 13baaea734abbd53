"""/language, and speaking each update's sender's own language."""

from __future__ import annotations

import logging

from telegram import Update

from bot import callbacks as cb, keyboards
from bot.i18n import LANGUAGE, pick, shipped
from bot.services import language
from bot.services.caller import caller
from bot.texts import language as t
from handlers.common import Context, answers_errors, call, pressed, reply, show
from handlers.menus import set_menu

log = logging.getLogger(__name__)


async def speak_their_language(update: Update, context: Context) -> None:
    """Speak the sender's language: stored, else Telegram's if shipped, else the default."""
    user = update.effective_user
    if user is None:
        return
    default = context.bot_data.settings.default_language
    try:  # read with what the next handlers ask of every update (bot.services.caller)
        context.caller = await call(context, caller, user.id, timed=False, autocommit=True)
    except Exception as error:  # the records out of reach: the answer still comes
        log.info("update %s: language not read (%s)", update.update_id, type(error).__name__)
    stored = context.caller.language if context.caller else None
    LANGUAGE.set(stored or pick(user.language_code, default))


@answers_errors
async def show_languages(update: Update, context: Context) -> None:
    """Show the person's language and the ones they can switch to."""
    assert update.effective_user
    default = context.bot_data.settings.default_language
    choice = await call(
        context, language.language_choice, update.effective_user.id, default=default, timed=False
    )
    await reply(
        update, t.choose(choice.language), keyboards.languages(choice.choices, choice.language)
    )


@answers_errors
async def choose_language(update: Update, context: Context) -> None:
    """Switch to the pressed language: this answer, the menu and all that follows."""
    query = update.callback_query
    assert query and query.message
    (index,) = pressed(update, cb.LANG_SET)
    data = context.bot_data
    choice = await call(
        context,
        language.choose_language,
        query.from_user.id,
        shipped()[index],
        default=data.settings.default_language,
        timed=False,
    )
    LANGUAGE.set(choice.language)
    keys = keyboards.languages(choice.choices, choice.language)
    await show(query, t.chosen(choice.language), keys)
    await set_menu(context.bot, query.message.chat.id, choice.role, data.commands)
