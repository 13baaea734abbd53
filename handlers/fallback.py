"""The last word: anything no other handler took, and errors nobody expected."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, TimeoutError as PoolTimeout
from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot import texts
from bot.i18n import _
from bot.services import onboarding
from handlers.common import Context, not_modified, tell
from handlers.referral_link import answer_stranger_typing

log = logging.getLogger(__name__)


async def not_understood(update: Update, context: Context) -> None:
    """Explain politely to a stranger; point a member to /help."""
    if update.effective_user is None or update.effective_message is None:
        return
    data = context.bot_data
    async with data.uow() as uow:
        me = await onboarding.whoami(uow, update.effective_user.id)
    if me is None and await answer_stranger_typing(update, context):
        return
    text = texts.stranger(data.settings.org_name) if me is None else _(texts.DIDNT_CATCH)
    await update.effective_message.reply_text(text)


async def stale_button(update: Update, context: Context) -> None:
    """Answer a button nobody handles (old, forged or from a stranger); change nothing."""
    assert update.callback_query
    data = context.bot_data
    async with data.uow() as uow:
        me = await onboarding.whoami(uow, update.callback_query.from_user.id)
    text = texts.stranger(data.settings.org_name) if me is None else _(texts.BUTTON_GONE)
    # Always answer a callback query, or the button keeps spinning on the phone.
    await update.callback_query.answer(text[:200], show_alert=me is None)


async def ignore_edit(update: Update, context: Context) -> None:
    """Ignore an edited message: acting on it again could, say, add a peer twice."""
    raise ApplicationHandlerStop


def database_unreachable(error: BaseException) -> bool:
    """Whether `error` says the database cannot be reached (down, refused, unopenable)."""
    if isinstance(error, OperationalError | InterfaceError | PoolTimeout):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, OSError)  # asyncpg's connect: refused, unreachable, timed out


def _logged(update_id: int | None, error: BaseException | None) -> str:
    """Log a failure by ids (never text); the text to tell the person."""
    if error is not None and database_unreachable(error):
        # No traceback: SQLAlchemy's message carries the statement and its parameters.
        log.error("update %s: the database cannot be reached: %s", update_id, type(error).__name__)
        return _(texts.RECORDS_UNREACHABLE)
    log.error("update %s failed", update_id, exc_info=error)
    return _(texts.SOMETHING_WENT_WRONG)


async def on_error(update: object, context: Context) -> None:
    """Log the failure, tell the person what it means, and stop the update there."""
    update_id = update.update_id if isinstance(update, Update) else None
    if context.error is not None and not_modified(context.error):
        log.info("update %s: the message already showed that", update_id)  # a double tap
    else:
        text = _logged(update_id, context.error)
        if not isinstance(update, Update):
            return  # a job's failure: nobody to tell
        try:
            await tell(update, text)
        except Exception:  # the report must never raise out of the error handler
            log.exception("could not report the failure of update %s", update_id)
    if isinstance(update, Update):
        raise ApplicationHandlerStop  # one report per update: later groups add none
