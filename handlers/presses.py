"""A press is answered exactly once (issue 12, defect 6 and 8).

Before any other handler, each callback query gets a bot of its own that lets the first
answer through and drops any later one (Telegram refuses those as "query is too old"), and
that logs a failure to answer rather than raising it: by then a service may have committed,
and reporting "nothing was changed" would be false. The error edge asks `answered()` whether
a pop-up is still possible, and otherwise says its piece in the chat.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import CallbackContext, ExtBot

log = logging.getLogger(__name__)


class AnswersOnce:
    """The application's bot, but answering one callback query at most once."""

    def __init__(self, bot: ExtBot[None], update_id: int) -> None:
        self._bot = bot
        self._update_id = update_id
        self.answered = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._bot, name)

    async def answer_callback_query(self, *args: Any, **kwargs: Any) -> bool:
        if self.answered:
            log.info("update %s: the press was answered already", self._update_id)
            return False
        self.answered = True
        try:
            return await self._bot.answer_callback_query(*args, **kwargs)
        except TelegramError as error:  # what was done stays done; the edit still shows it
            log.warning("update %s: could not answer the press: %s", self._update_id, error)
            return False


async def answer_once(
    update: Update, context: CallbackContext[ExtBot[None], Any, Any, Any]
) -> None:
    """Give the update's callback query (if any) a bot that answers it once."""
    query = update.callback_query
    if query is not None and not isinstance(query.get_bot(), AnswersOnce):
        query.set_bot(cast(ExtBot[None], AnswersOnce(context.bot, update.update_id)))


def answered(query: CallbackQuery) -> bool:
    """Whether the press has had its answer (or its one try at one) already."""
    try:
        bot = query.get_bot()
    except RuntimeError:
        return False
    return isinstance(bot, AnswersOnce) and bot.answered
