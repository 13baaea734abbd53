"""Group chats, before every other handler: nothing is acted on or posted there (SPEC §2)."""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.ext import ApplicationHandlerStop

from bot import texts
from bot.i18n import _
from bot.services import groups
from handlers.common import Context

log = logging.getLogger(__name__)
# Where the note may be said; a channel gets nothing at all.
GROUPS = (Chat.GROUP, Chat.SUPERGROUP)


async def outside_private_chats(update: Update, context: Context) -> None:
    """Stop any update from a group, supergroup or channel; say once per group why."""
    chat = update.effective_chat
    if chat is None or chat.type == Chat.PRIVATE:
        return  # the features' handlers take it
    log.info("update %s from a %s chat %s: not handled", update.update_id, chat.type, chat.id)
    if update.callback_query is not None:
        await update.callback_query.answer(_(texts.PRIVATE_CHATS_ONLY)[:200])
    elif chat.type in GROUPS and update.message is not None:  # not joined, left or removed
        data = context.bot_data
        async with data.uow() as uow:
            first = await groups.first_word_in_group(uow, chat.id, now=data.now())
        if first:
            await context.bot.send_message(chat.id, _(texts.PRIVATE_CHATS_ONLY))
    raise ApplicationHandlerStop
