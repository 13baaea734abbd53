"""A person's own data: /mydata, /forget, /calendar (issue: own data and safety)."""

from __future__ import annotations

import json
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import texts
from bot.services import calendar, privacy
from bot.services.onboarding import member
from bot.texts import privacy as t
from handlers.common import Context, answers_errors, button, parse_button
from handlers.menus import set_menu
from storage.models import Role

log = logging.getLogger(__name__)

FEATURE = "prv"


def calendar_button() -> InlineKeyboardButton:
    """ "Add to my calendar", for under a session message: sends the presser's .ics."""
    return InlineKeyboardButton(t.BUTTON_CALENDAR, callback_data=button(FEATURE, "cal"))


def forget_keyboard(person_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t.BUTTON_FORGET, callback_data=button(FEATURE, "go", person_id))],
            [InlineKeyboardButton(t.BUTTON_KEEP, callback_data=button(FEATURE, "keep", person_id))],
        ]
    )


@answers_errors
async def my_data(update: Update, context: Context) -> None:
    """Send the person everything stored about them, as a JSON file."""
    assert update.effective_user and update.message
    data = context.bot_data
    async with data.uow() as uow:
        document = await privacy.export_person(uow, update.effective_user.id, now=data.now())
    payload = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    await update.message.reply_document(
        payload, filename=t.MYDATA_FILENAME, caption=t.MYDATA_CAPTION
    )


async def _send_calendar(update: Update, context: Context) -> None:
    assert update.effective_user and update.effective_chat
    data = context.bot_data
    async with data.uow() as uow:
        made = await calendar.calendar_for(uow, update.effective_user.id, now=data.now())
    chat = update.effective_chat
    if not made.events:
        await chat.send_message(t.NO_UPCOMING)
        return
    caption = t.CALENDAR_CAPTION_PEER if made.role == Role.PEER else t.CALENDAR_CAPTION_WORKER
    await chat.send_document(made.ics, filename=t.CALENDAR_FILENAME, caption=caption)


@answers_errors
async def send_calendar(update: Update, context: Context) -> None:
    """Send a peer's upcoming sessions, or a peer worker's diary, as an .ics file."""
    await _send_calendar(update, context)


@answers_errors
async def ask_forget(update: Update, context: Context) -> None:
    """Explain what erasing removes, and ask for a confirmation by button."""
    assert update.effective_user and update.message
    async with context.bot_data.uow() as uow:
        peer = await member(uow, update.effective_user.id, Role.PEER)
    await update.message.reply_text(t.FORGET_EXPLAINED, reply_markup=forget_keyboard(peer.id))


async def _forget(update: Update, context: Context, person_id: int) -> None:
    query = update.callback_query
    assert query and query.message
    data = context.bot_data
    try:
        async with data.uow() as uow:
            done = await privacy.forget(
                uow, query.from_user.id, now=data.now(), person_id=person_id
            )
    except privacy.NotYourButton:
        await query.answer(texts.BUTTON_GONE)
        return
    # The peer worker learns only that a peer has left: no name, nothing they wrote.
    for worker_chat in done.worker_telegram_ids:
        try:
            await context.bot.send_message(worker_chat, t.PEER_LEFT)
        except TelegramError as error:
            log.warning("could not tell a peer worker: %s", type(error).__name__)
    await query.answer()
    await query.edit_message_text(t.forgotten(data.settings.crisis_contacts))
    await set_menu(context.bot, query.message.chat.id, None, data.commands)


@answers_errors
async def on_button(update: Update, context: Context) -> None:
    """Act on a privacy button: erase after confirmation, keep, or send the calendar."""
    query = update.callback_query
    assert query
    parsed = parse_button(query.data, FEATURE)
    if parsed is None:
        await query.answer(texts.BUTTON_GONE)
        return
    action, ids = parsed
    if action == "cal" and not ids:
        await query.answer()
        await _send_calendar(update, context)
    elif action == "go" and len(ids) == 1:
        await _forget(update, context, ids[0])
    elif action == "keep" and len(ids) == 1:
        async with context.bot_data.uow() as uow:
            peer = await member(uow, query.from_user.id, Role.PEER)
        if peer.id != ids[0]:
            await query.answer(texts.BUTTON_GONE)
            return
        await query.answer()
        await query.edit_message_text(t.KEPT)
    else:
        await query.answer(texts.BUTTON_GONE)


def register(app: Application) -> None:  # type: ignore[type-arg]
    # /mydata: everything stored about the person, as a JSON file (every role).
    app.add_handler(CommandHandler("mydata", my_data))
    # /forget: explain, then erase after the confirmation button (peers).
    app.add_handler(CommandHandler("forget", ask_forget))
    # /calendar: upcoming sessions (peers) or the diary (peer workers) as an .ics file.
    app.add_handler(CommandHandler("calendar", send_calendar))
    # The confirmation, "keep it" and "add to my calendar" buttons.
    app.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{FEATURE}:"))
