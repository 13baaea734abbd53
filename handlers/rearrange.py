"""Rearranging: the peer picks or types a time, the peer worker accepts or suggests one."""

from __future__ import annotations

from telegram import Message, Update

from bot import callbacks as cb
from bot import keyboards
from bot.services import rearrange
from bot.services.errors import Stale
from bot.services.flows import Where
from bot.services.sessions import SessionView
from bot.texts import sessions as t
from handlers.common import Context, answers_errors, drop_buttons, markup, notify, pressed


async def _send_offer(message: Message, found: rearrange.Offer) -> None:
    keys = keyboards.times_to_request(found.view, found.slots)
    await message.reply_text(t.offer_times(bool(found.slots)), reply_markup=markup(keys))


async def _requested(update: Update, context: Context, view: SessionView) -> None:
    """Thank the peer and pass their request on to the peer worker."""
    assert update.effective_message
    await update.effective_message.reply_text(t.REQUEST_SENT)
    keys = keyboards.request_for_worker(view)
    await notify(context, view.worker_telegram_id, t.request_for_worker(view), keys)


async def _suggested(update: Update, context: Context, view: SessionView) -> None:
    assert update.effective_message
    await update.effective_message.reply_text(t.SUGGESTION_SENT)
    keys = keyboards.suggestion_for_peer(view)
    await notify(context, view.peer_telegram_id, t.suggestion_for_peer(view), keys)


@answers_errors
async def offer_new_times(update: Update, context: Context) -> None:
    """Offer the peer free times for a session (its Rearrange button)."""
    query, (session_id, version) = update.callback_query, pressed(update, cb.SES_REARRANGE)
    assert query and isinstance(query.message, Message)
    data = context.bot_data
    async with data.uow() as uow:
        found = await rearrange.start(uow, query.from_user.id, session_id, version, now=data.now())
    await query.answer()
    await _send_offer(query.message, found)


@answers_errors
async def rearrange_next(update: Update, context: Context) -> None:
    """Offer times for the peer's next session (/rearrange)."""
    assert update.effective_user and update.message
    data = context.bot_data
    async with data.uow() as uow:
        found = await rearrange.start_next(uow, update.effective_user.id, now=data.now())
    if found is None:
        await update.message.reply_text(t.NO_NEXT)
        return
    await _send_offer(update.message, found)


@answers_errors
async def request_time(update: Update, context: Context) -> None:
    """Ask the peer worker for the time the peer picked."""
    query, (session_id, version, when) = update.callback_query, pressed(update, cb.REA_PICK)
    assert query
    data = context.bot_data
    async with data.uow() as uow:
        view = await rearrange.request_time(
            uow, query.from_user.id, session_id, version, when, now=data.now()
        )
    await query.answer()
    await drop_buttons(query)
    await _requested(update, context, view)


@answers_errors
async def accept_time(update: Update, context: Context) -> None:
    """Accept the time the other side asked for or suggested; tell both sides."""
    query, (request_id,) = update.callback_query, pressed(update, cb.REA_ACCEPT)
    assert query
    data = context.bot_data
    async with data.uow() as uow:
        view = await rearrange.accept(uow, query.from_user.id, request_id, now=data.now())
    await query.answer()
    await drop_buttons(query)
    peer_keys = keyboards.session(view.id, view.version)
    await notify(context, view.peer_telegram_id, t.moved(view, True), peer_keys)
    await notify(context, view.worker_telegram_id, t.moved(view, False))


@answers_errors
async def ask_for_suggestion(update: Update, context: Context) -> None:
    """Offer the peer worker free times to suggest instead."""
    query, (request_id,) = update.callback_query, pressed(update, cb.REA_SUGGEST)
    assert query
    data = context.bot_data
    async with data.uow() as uow:
        found = await rearrange.suggest_start(uow, query.from_user.id, request_id, now=data.now())
    keys = keyboards.times_to_suggest(found.slots, found.view.worker_tz)
    await query.answer()
    await context.bot.send_message(query.from_user.id, t.SUGGEST_PROMPT, reply_markup=markup(keys))


@answers_errors
async def suggest_time(update: Update, context: Context) -> None:
    """Send the time the peer worker picked to the peer as a suggestion."""
    query, (when,) = update.callback_query, pressed(update, cb.REA_SUGGESTED)
    assert query
    data = context.bot_data
    async with data.uow() as uow:
        view = await rearrange.suggest(uow, query.from_user.id, when, now=data.now())
    await query.answer()
    await drop_buttons(query)
    await _suggested(update, context, view)


@answers_errors
async def refuse_stale_rearrange_button(update: Update, context: Context) -> None:
    """Answer a rearrangement button that is malformed or forged: this has changed."""
    raise Stale()


@answers_errors
async def pass_on_wish(update: Update, context: Context, where: Where) -> None:
    """Pass on the peer's typed wish to their peer worker."""
    assert update.effective_user and update.message and update.message.text
    data = context.bot_data
    async with data.uow() as uow:
        view = await rearrange.request_wish(
            uow, update.effective_user.id, update.message.text, now=data.now()
        )
    await _requested(update, context, view)


@answers_errors
async def send_typed_suggestion(update: Update, context: Context, where: Where) -> None:
    """Send the worker's typed time to the peer as a suggestion."""
    assert update.effective_user and update.message and update.message.text
    data = context.bot_data
    async with data.uow() as uow:
        view = await rearrange.suggest_typed(
            uow, update.effective_user.id, update.message.text, now=data.now()
        )
    await _suggested(update, context, view)
