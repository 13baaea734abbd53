"""Rearranging: the peer picks or types a time, the peer worker accepts or suggests one."""

from __future__ import annotations

from telegram import Message, Update

from bot import callbacks as cb, keyboards
from bot.i18n import _
from bot.services import rearrange
from bot.services.flows import Where
from bot.services.sessions import SessionView
from bot.texts import rearrange as t, sessions as ts
from handlers.common import (
    Context,
    answers_errors,
    call,
    markup,
    notify,
    press,
    reply,
    settle,
    show,
    typed_by,
)


async def _send_offer(update: Update, found: rearrange.Offer) -> None:
    keys = keyboards.times_to_request(found.view, found.slots)
    await reply(update, t.offer_times(bool(found.slots)), keys)


async def _requested(update: Update, context: Context, view: SessionView) -> None:
    """Thank the peer and pass their request on to the peer worker."""
    assert update.effective_message
    await update.effective_message.reply_text(_(t.REQUEST_SENT))
    keys = keyboards.request_for_worker(view)
    await notify(context, view.worker_telegram_id, t.request_for_worker(view), keys)


async def _agreed(context: Context, view: SessionView) -> None:
    """Tell both sides the session has moved."""
    peer_keys = keyboards.session(view.id, view.version)
    await notify(context, view.peer_telegram_id, t.moved(view, True), peer_keys)
    await notify(context, view.worker_telegram_id, t.moved(view, False))


async def _suggested(update: Update, context: Context, view: SessionView) -> None:
    """Send the worker's time on: a suggestion to the peer, or the accepted wish's move."""
    assert update.effective_message
    if view.request is None:
        return await _agreed(context, view)
    await update.effective_message.reply_text(_(t.SUGGESTION_SENT))
    keys = keyboards.suggestion_for_peer(view)
    await notify(context, view.peer_telegram_id, t.suggestion_for_peer(view), keys)


@answers_errors
async def offer_new_times(update: Update, context: Context) -> None:
    """Offer the peer free times for a session (its Rearrange button)."""
    query, (session_id, version) = press(update, cb.SES_REARRANGE)
    assert isinstance(query.message, Message)
    found = await call(context, rearrange.start, query.from_user.id, session_id, version)
    await query.answer()
    await _send_offer(update, found)


@answers_errors
async def rearrange_next(update: Update, context: Context) -> None:
    """Offer times for the peer's next session (/rearrange)."""
    assert update.effective_user
    found = await call(context, rearrange.start_next, update.effective_user.id)
    if found is None:
        return await reply(update, _(ts.NO_NEXT))
    await _send_offer(update, found)


@answers_errors
async def request_time(update: Update, context: Context) -> None:
    """Ask the peer worker for the time the peer picked."""
    query, (session_id, version, when) = press(update, cb.REA_PICK)
    uid = query.from_user.id
    view = await call(context, rearrange.request_time, uid, session_id, version, when)
    await show(query, t.picked(view))
    await _requested(update, context, view)


@answers_errors
async def accept_time(update: Update, context: Context) -> None:
    """Accept the other side's time (a typed wish: ask the worker for it); tell both."""
    query, (request_id,) = press(update, cb.REA_ACCEPT)
    found = await call(context, rearrange.answer_accept, query.from_user.id, request_id)
    await settle(query)
    if isinstance(found, rearrange.Offer):
        keys = markup(keyboards.times_to_suggest(found.slots, found.view.worker_tz))
        prompt = t.accept_wish_prompt(found.view)
        await context.bot.send_message(query.from_user.id, prompt, reply_markup=keys)
        return
    await _agreed(context, found)


@answers_errors
async def ask_for_suggestion(update: Update, context: Context) -> None:
    """Offer the peer worker free times to suggest instead."""
    query, (request_id,) = press(update, cb.REA_SUGGEST)
    found = await call(context, rearrange.suggest_start, query.from_user.id, request_id)
    keys = keyboards.times_to_suggest(found.slots, found.view.worker_tz)
    await query.answer()
    await context.bot.send_message(
        query.from_user.id, _(t.SUGGEST_PROMPT), reply_markup=markup(keys)
    )


@answers_errors
async def suggest_time(update: Update, context: Context) -> None:
    """Send the time the peer worker picked to the peer as a suggestion."""
    query, (when,) = press(update, cb.REA_SUGGESTED)
    view = await call(context, rearrange.suggest, query.from_user.id, when)
    await settle(query)
    await _suggested(update, context, view)


@answers_errors
async def pass_on_wish(update: Update, context: Context, where: Where) -> None:
    """Pass on the peer's typed wish to their peer worker."""
    view = await call(context, rearrange.request_wish, *typed_by(update))
    await _requested(update, context, view)


@answers_errors
async def send_typed_suggestion(update: Update, context: Context, where: Where) -> None:
    """Send the worker's typed time to the peer as a suggestion."""
    view = await call(context, rearrange.suggest_typed, *typed_by(update))
    await _suggested(update, context, view)
