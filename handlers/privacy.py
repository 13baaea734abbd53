"""A person's own data: /mydata, /forget, /calendar (issue: own data and safety)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot import callbacks as cb, keyboards, texts
from bot.exports import calendar_file, mydata
from bot.i18n import _
from bot.services import calendar, privacy
from bot.services.onboarding import member
from bot.texts import privacy as t
from handlers.common import Context, answers_errors, call, reply, show
from handlers.menus import set_menu
from storage.models import Role

log = logging.getLogger(__name__)


@answers_errors
async def my_data(update: Update, context: Context) -> None:
    """Send the person everything stored about them, as a JSON file."""
    assert update.effective_user and update.message
    export = await call(context, privacy.export_person, update.effective_user.id)
    await update.message.reply_document(
        mydata.render(export), filename=t.MYDATA_FILENAME, caption=_(t.MYDATA_CAPTION)
    )


async def _send_calendar(update: Update, context: Context) -> None:
    """Send the .ics of the person's upcoming sessions (a peer's) or diary (a worker's);
    a press is answered once the person may have it (a refusal is its answer)."""
    assert update.effective_user and update.effective_chat
    upcoming = await call(context, calendar.calendar_for, update.effective_user.id)
    if update.callback_query is not None:
        await update.callback_query.answer()
    chat = update.effective_chat
    if not upcoming.events:
        await chat.send_message(_(t.NO_UPCOMING))
        return
    caption = (
        _(t.CALENDAR_CAPTION_PEER) if upcoming.role == Role.PEER else _(t.CALENDAR_CAPTION_WORKER)
    )
    ics = calendar_file.render(upcoming)
    await chat.send_document(ics, filename=t.CALENDAR_FILENAME, caption=caption)


@answers_errors
async def send_calendar(update: Update, context: Context) -> None:
    """Send a peer's upcoming sessions, or a peer worker's diary, as an .ics file."""
    await _send_calendar(update, context)


@answers_errors
async def ask_forget(update: Update, context: Context) -> None:
    """Explain what erasing removes, and ask for a confirmation by button."""
    assert update.effective_user
    peer = await call(context, member, update.effective_user.id, Role.PEER, timed=False)
    await reply(update, _(t.FORGET_EXPLAINED), keyboards.forget(peer.id))


@answers_errors
async def send_calendar_file(update: Update, context: Context) -> None:
    """Send the calendar file from a session's "Add to my calendar" button."""
    assert update.callback_query
    await _send_calendar(update, context)


@answers_errors
async def forget_me(update: Update, context: Context) -> None:
    """Erase the peer's data after their confirmation; tell their worker only that they left."""
    query = update.callback_query
    assert query and query.message
    data, parsed = context.bot_data, cb.PRV_FORGET.parse(query.data)
    try:
        if parsed is None:
            raise privacy.NotYourButton()
        done = await call(context, privacy.forget, query.from_user.id, person_id=parsed[0])
    except privacy.NotYourButton:
        await query.answer(_(texts.BUTTON_GONE))
        return
    for worker_chat in done.worker_telegram_ids:
        try:
            await context.bot.send_message(worker_chat, _(t.PEER_LEFT))
        except TelegramError as error:
            log.warning("could not tell a peer worker: %s", type(error).__name__)
    await show(query, t.forgotten(data.settings.contacts()))
    await set_menu(context.bot, query.message.chat.id, None, data.commands)


@answers_errors
async def keep_my_data(update: Update, context: Context) -> None:
    """Keep everything, as the peer chose on the confirmation."""
    query = update.callback_query
    assert query
    parsed = cb.PRV_KEEP.parse(query.data)
    peer = await call(context, member, query.from_user.id, Role.PEER, timed=False)
    if parsed is None or peer.id != parsed[0]:
        await query.answer(_(texts.BUTTON_GONE))
        return
    await show(query, _(t.KEPT))


async def refuse_stale_privacy_button(update: Update, context: Context) -> None:
    """Answer a privacy button that is malformed or forged: out of date."""
    assert update.callback_query
    await update.callback_query.answer(_(texts.BUTTON_GONE))
