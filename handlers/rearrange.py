"""Rearranging: the peer picks or types a time, the peer worker accepts or suggests one."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.services import rearrange
from bot.services.errors import Stale
from bot.services.sessions import SessionView
from bot.texts import sessions as t
from handlers.common import Context, answers_errors, button, notify, parse_button
from handlers.conversation import text_step
from storage.models import Conversation


def _minutes(moment: datetime) -> int:
    return int(moment.timestamp() // 60)


def _moment(minutes: int) -> datetime:
    return datetime.fromtimestamp(minutes * 60, tz=UTC)


def _slot_keys(
    slots: list[datetime], zone: str, *prefix: int | str
) -> list[list[InlineKeyboardButton]]:
    feature, action, *ids = prefix
    return [
        [
            InlineKeyboardButton(
                t.when(s, zone), callback_data=button(str(feature), str(action), *ids, _minutes(s))
            )
        ]
        for s in slots
    ]


async def offer(update: Update, context: Context, session_id: int, version: int) -> None:
    """Offer the peer free times for a session (from its Rearrange button)."""
    query = update.callback_query
    assert query and query.message
    data = context.bot_data
    async with data.uow() as uow:
        found = await rearrange.start(uow, query.from_user.id, session_id, version, now=data.now())
    await query.answer()
    await _send_offer(query.message, found)


async def _send_offer(message: object, found: rearrange.Offer) -> None:
    rows = _slot_keys(
        found.slots, found.view.peer_tz, "rea", "pick", found.view.id, found.view.version
    )
    await message.reply_text(  # type: ignore[attr-defined]
        t.offer_times(bool(found.slots)), reply_markup=InlineKeyboardMarkup(rows) if rows else None
    )


@answers_errors
async def rearrange_next(update: Update, context: Context) -> None:
    """/rearrange: offer times for the peer's next session."""
    assert update.effective_user and update.message
    data = context.bot_data
    async with data.uow() as uow:
        found = await rearrange.start_next(uow, update.effective_user.id, now=data.now())
    if found is None:
        await update.message.reply_text(t.NO_NEXT)
        return
    await _send_offer(update.message, found)


def _worker_keys(view: SessionView) -> InlineKeyboardMarkup:
    assert view.request is not None
    keys = [
        InlineKeyboardButton(t.BUTTON_SUGGEST, callback_data=button("rea", "sug", view.request.id))
    ]
    if view.request.proposed_at is not None:
        keys.insert(
            0,
            InlineKeyboardButton(
                t.BUTTON_ACCEPT, callback_data=button("rea", "acc", view.request.id)
            ),
        )
    return InlineKeyboardMarkup([keys])


def _peer_keys(view: SessionView) -> InlineKeyboardMarkup:
    assert view.request is not None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.BUTTON_ACCEPT, callback_data=button("rea", "acc", view.request.id)
                ),
                InlineKeyboardButton(
                    t.BUTTON_REARRANGE, callback_data=button("ses", "re", view.id, view.version)
                ),
            ]
        ]
    )


@answers_errors
async def pressed(update: Update, context: Context) -> None:
    """Act on a rearrangement button from either side."""
    query = update.callback_query
    assert query and query.message
    parsed = parse_button(query.data, "rea")
    if parsed is None:
        raise Stale()
    action, ids = parsed
    data, uid, now = context.bot_data, query.from_user.id, context.bot_data.now()
    async with data.uow() as uow:
        if action == "pick" and len(ids) == 3:
            view = await rearrange.request_time(uow, uid, ids[0], ids[1], _moment(ids[2]), now=now)
            await _requested(update, context, view)
            return
        if action == "acc" and len(ids) == 1:
            view = await rearrange.accept(uow, uid, ids[0], now=now)
            await query.answer()
            await query.edit_message_reply_markup(None)
            await _agreed(context, view)
            return
        if action == "sug" and len(ids) == 1:
            found = await rearrange.suggest_start(uow, uid, ids[0], now=now)
            rows = _slot_keys(found.slots, found.view.worker_tz, "rea", "sgt")
            await query.answer()
            await context.bot.send_message(
                uid, t.SUGGEST_PROMPT, reply_markup=InlineKeyboardMarkup(rows)
            )
            return
        if action == "sgt" and len(ids) == 1:
            view = await rearrange.suggest(uow, uid, _moment(ids[0]), now=now)
            await query.answer()
            await query.edit_message_reply_markup(None)
            await _suggested(update, context, view)
            return
    raise Stale()


async def _requested(update: Update, context: Context, view: SessionView) -> None:
    assert update.effective_message
    if update.callback_query:
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(None)
    await update.effective_message.reply_text(t.REQUEST_SENT)
    await notify(context, view.worker_telegram_id, t.request_for_worker(view), _worker_keys(view))


async def _suggested(update: Update, context: Context, view: SessionView) -> None:
    assert update.effective_message
    await update.effective_message.reply_text(t.SUGGESTION_SENT)
    await notify(context, view.peer_telegram_id, t.suggestion_for_peer(view), _peer_keys(view))


async def _agreed(context: Context, view: SessionView) -> None:
    from handlers.sessions import session_keyboard

    await notify(
        context, view.peer_telegram_id, t.moved(view, True), session_keyboard(view.id, view.version)
    )
    await notify(context, view.worker_telegram_id, t.moved(view, False))


@text_step(rearrange.PEER_FLOW)
@answers_errors
async def typed_wish(update: Update, context: Context, conversation: Conversation) -> None:
    """Pass on the peer's typed wish to their peer worker."""
    assert update.effective_user and update.message and update.message.text
    data = context.bot_data
    async with data.uow() as uow:
        view = await rearrange.request_wish(
            uow, update.effective_user.id, update.message.text, now=data.now()
        )
    await _requested(update, context, view)


@text_step(rearrange.WORKER_FLOW)
@answers_errors
async def typed_suggestion(update: Update, context: Context, conversation: Conversation) -> None:
    """Send the worker's typed time to the peer as a suggestion."""
    assert update.effective_user and update.message and update.message.text
    data = context.bot_data
    async with data.uow() as uow:
        view = await rearrange.suggest_typed(
            uow, update.effective_user.id, update.message.text, now=data.now()
        )
    await _suggested(update, context, view)


def register(app: Application) -> None:  # type: ignore[type-arg]
    # /rearrange: the peer's next session.
    app.add_handler(CommandHandler("rearrange", rearrange_next))
    # Picking, accepting and suggesting times.
    app.add_handler(CallbackQueryHandler(pressed, pattern=r"^rea:"))
