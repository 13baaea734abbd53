"""/schedule: in one line, or guided with buttons (peer → day → time → length → place)."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.services import scheduling
from bot.services.errors import Stale
from bot.services.sessions import SessionView
from bot.texts import sessions as t
from handlers.common import Context, answers_errors, button, notify, parse_button
from handlers.conversation import text_step
from storage.models import Conversation

TIMES = ("09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00", "17:00")


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


async def _scheduled(update: Update, context: Context, view: SessionView) -> None:
    """Tell the worker it is booked and the peer (if joined) with the three answers."""
    from handlers.sessions import session_keyboard

    assert update.effective_message
    text = t.scheduled_for_worker(view)
    if view.peer_telegram_id is not None:
        told = await notify(
            context,
            view.peer_telegram_id,
            t.new_session_for_peer(view),
            session_keyboard(view.id, view.version),
        )
        if not told:
            text += "\n" + t.COULD_NOT_TELL.format(name=view.peer_name)
    await update.effective_message.reply_text(text)


@answers_errors
async def schedule(update: Update, context: Context) -> None:
    """Schedule from one line, or start the guided steps when no arguments are given."""
    assert update.effective_user and update.message
    data = context.bot_data
    async with data.uow() as uow:
        if context.args:
            view = await scheduling.schedule_line(
                uow, update.effective_user.id, " ".join(context.args), now=data.now()
            )
        else:
            peers = await scheduling.guided_start(uow, update.effective_user.id, now=data.now())
    if context.args:
        await _scheduled(update, context, view)
        return
    keys = [
        InlineKeyboardButton(p.name, callback_data=button("sch", "peer", p.programme_id))
        for p in peers
    ]
    await update.message.reply_text(t.PICK_PEER, reply_markup=InlineKeyboardMarkup(_rows(keys, 2)))


@answers_errors
async def guided(update: Update, context: Context) -> None:
    """Take one guided step from a button, then ask the next question."""
    query = update.callback_query
    assert query
    parsed = parse_button(query.data, "sch")
    if parsed is None or len(parsed[1]) != 1:
        raise Stale()
    action, (value,) = parsed
    data, uid, now = context.bot_data, query.from_user.id, context.bot_data.now()
    async with data.uow() as uow:
        if action == "peer":
            _zone, days = await scheduling.guided_peer(uow, uid, value, now=now)
            keys = [
                InlineKeyboardButton(
                    t.day_label(d), callback_data=button("sch", "day", d.toordinal())
                )
                for d in days
            ]
            text, markup = t.PICK_DAY, InlineKeyboardMarkup(_rows(keys, 3))
        elif action == "day":
            await scheduling.guided_day(uow, uid, date.fromordinal(value), now=now)
            keys = [
                InlineKeyboardButton(
                    hm, callback_data=button("sch", "time", int(hm.replace(":", "")))
                )
                for hm in TIMES
            ]
            text, markup = t.PICK_TIME, InlineKeyboardMarkup(_rows(keys, 3))
        elif action == "time":
            await scheduling.guided_time(uow, uid, f"{value // 100:02d}:{value % 100:02d}", now=now)
            text, markup = t.PICK_LENGTH, _lengths()
        elif action == "len":
            text, markup = (
                t.PICK_PLACE,
                _places(await scheduling.guided_length(uow, uid, value, now=now)),
            )
        elif action == "place":
            view = await scheduling.guided_place(uow, uid, None, use_last=value == 1, now=now)
            await query.answer()
            await query.edit_message_reply_markup(None)
            await _scheduled(update, context, view)
            return
        else:
            raise Stale()
    await query.answer()
    await query.edit_message_text(text, reply_markup=markup)


def _lengths() -> InlineKeyboardMarkup:
    keys = [
        InlineKeyboardButton(t.length_label(m), callback_data=button("sch", "len", m))
        for m in scheduling.LENGTHS
    ]
    return InlineKeyboardMarkup([keys])


def _places(last_place: str | None) -> InlineKeyboardMarkup:
    keys = [InlineKeyboardButton(t.BUTTON_NO_PLACE, callback_data=button("sch", "place", 0))]
    if last_place:
        keys.insert(
            0, InlineKeyboardButton(last_place[:60], callback_data=button("sch", "place", 1))
        )
    return InlineKeyboardMarkup([keys])


@text_step(scheduling.FLOW)
@answers_errors
async def typed(update: Update, context: Context, conversation: Conversation) -> None:
    """Take a typed time or place in the guided steps."""
    assert update.effective_user and update.message and update.message.text
    data, uid, now = context.bot_data, update.effective_user.id, context.bot_data.now()
    async with data.uow() as uow:
        if conversation.step == "time":
            await scheduling.guided_time(uow, uid, update.message.text, now=now)
            await update.message.reply_text(t.PICK_LENGTH, reply_markup=_lengths())
            return
        if conversation.step == "place":
            view = await scheduling.guided_place(uow, uid, update.message.text, now=now)
        else:
            await update.message.reply_text(t.PICK_BUTTON)
            return
    await _scheduled(update, context, view)


def register(app: Application) -> None:  # type: ignore[type-arg]
    # /schedule in one line, or guided.
    app.add_handler(CommandHandler("schedule", schedule))
    # The guided steps' buttons.
    app.add_handler(CallbackQueryHandler(guided, pattern=r"^sch:"))
