"""/schedule: in one line, or guided with buttons (peer → day → time → length → place)."""

from __future__ import annotations

from telegram import Update

from bot import callbacks as cb
from bot import keyboards
from bot.services import scheduling
from bot.services.errors import Stale
from bot.services.flows import Where
from bot.services.sessions import SessionView
from bot.texts import sessions as t
from handlers.common import Context, answers_errors, drop_buttons, edit, markup, notify, pressed


async def _scheduled(update: Update, context: Context, view: SessionView) -> None:
    """Tell the worker it is booked and the peer (if joined) with the three answers."""
    assert update.effective_message
    text = t.scheduled_for_worker(view)
    if view.peer_telegram_id is not None:
        keys = keyboards.session(view.id, view.version)
        if not await notify(context, view.peer_telegram_id, t.new_session_for_peer(view), keys):
            text += "\n" + t.COULD_NOT_TELL.format(name=view.peer_name)
    await update.effective_message.reply_text(text)


@answers_errors
async def schedule(update: Update, context: Context) -> None:
    """Schedule from one line, or start the guided steps when no arguments are given."""
    assert update.effective_user and update.message
    data, uid = context.bot_data, update.effective_user.id
    async with data.uow() as uow:
        if context.args:
            line = " ".join(context.args)
            view = await scheduling.schedule_line(uow, uid, line, now=data.now())
        else:
            peers = await scheduling.guided_start(uow, uid, now=data.now())
    if context.args:
        await _scheduled(update, context, view)
        return
    keys = keyboards.peers_to_schedule((p.name, p.programme_id) for p in peers)
    await update.message.reply_text(t.PICK_PEER, reply_markup=markup(keys))


@answers_errors
async def pick_peer(update: Update, context: Context) -> None:
    """Take the peer of a guided /schedule; ask for the day."""
    [programme_id], query = pressed(update, cb.SCH_PEER), update.callback_query
    assert query
    data = context.bot_data
    async with data.uow() as uow:
        _zone, days = await scheduling.guided_peer(
            uow, query.from_user.id, programme_id, now=data.now()
        )
    await query.answer()
    await edit(query, t.PICK_DAY, keyboards.days(days))


@answers_errors
async def pick_day(update: Update, context: Context) -> None:
    """Take the day of a guided /schedule; ask for the time."""
    [day], query = pressed(update, cb.SCH_DAY), update.callback_query
    assert query
    data = context.bot_data
    async with data.uow() as uow:
        await scheduling.guided_day(uow, query.from_user.id, day, now=data.now())
    await query.answer()
    await edit(query, t.PICK_TIME, keyboards.session_times())


@answers_errors
async def pick_time(update: Update, context: Context) -> None:
    """Take the time of a guided /schedule from a button; ask for the length."""
    [at], query = pressed(update, cb.SCH_TIME), update.callback_query
    assert query
    data = context.bot_data
    async with data.uow() as uow:
        await scheduling.guided_time(uow, query.from_user.id, f"{at:%H:%M}", now=data.now())
    await query.answer()
    await edit(query, t.PICK_LENGTH, keyboards.lengths())


@answers_errors
async def pick_length(update: Update, context: Context) -> None:
    """Take the length of a guided /schedule; ask for the place."""
    [minutes], query = pressed(update, cb.SCH_LENGTH), update.callback_query
    assert query
    data = context.bot_data
    async with data.uow() as uow:
        last = await scheduling.guided_length(uow, query.from_user.id, minutes, now=data.now())
    await query.answer()
    await edit(query, t.PICK_PLACE, keyboards.places(last))


@answers_errors
async def pick_place(update: Update, context: Context) -> None:
    """Book the guided session at the last place used, or with the place left open."""
    [use_last], query = pressed(update, cb.SCH_PLACE), update.callback_query
    assert query
    data = context.bot_data
    async with data.uow() as uow:
        view = await scheduling.guided_place(
            uow, query.from_user.id, None, use_last=use_last == 1, now=data.now()
        )
    await query.answer()
    await drop_buttons(query)
    await _scheduled(update, context, view)


@answers_errors
async def refuse_stale_schedule_button(update: Update, context: Context) -> None:
    """Answer a guided /schedule button that is malformed or forged: this has changed."""
    raise Stale()


@answers_errors
async def type_session_time(update: Update, context: Context, where: Where) -> None:
    """Take a typed time in the guided /schedule; ask for the length."""
    assert update.effective_user and update.message and update.message.text
    data = context.bot_data
    async with data.uow() as uow:
        await scheduling.guided_time(
            uow, update.effective_user.id, update.message.text, now=data.now()
        )
    await update.message.reply_text(t.PICK_LENGTH, reply_markup=markup(keyboards.lengths()))


@answers_errors
async def type_session_place(update: Update, context: Context, where: Where) -> None:
    """Take a typed place in the guided /schedule and book the session."""
    assert update.effective_user and update.message and update.message.text
    data = context.bot_data
    async with data.uow() as uow:
        view = await scheduling.guided_place(
            uow, update.effective_user.id, update.message.text, now=data.now()
        )
    await _scheduled(update, context, view)


async def ask_for_a_button(update: Update, context: Context, where: Where) -> None:
    """Point the worker at the buttons, at a guided step that takes no typing."""
    assert update.message
    await update.message.reply_text(t.PICK_BUTTON)
