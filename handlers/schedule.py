"""/schedule: in one line, or guided with buttons (peer → day → time → length → place)."""

from __future__ import annotations

from telegram import Update

from bot import callbacks as cb, keyboards
from bot.i18n import _
from bot.keyboards import Keyboard, schedule as ksch
from bot.services import scheduling
from bot.services.flows import Where
from bot.services.names import SeveralPeers
from bot.services.sessions import SessionView
from bot.texts import schedule as tsch, sessions as t
from handlers import typed
from handlers.common import (
    Context,
    answers_errors,
    call,
    error_text,
    notify,
    press,
    reply,
    settle,
    show,
    typed_by,
)


async def _scheduled(update: Update, context: Context, view: SessionView) -> None:
    """Tell the worker it is booked and the peer (if joined) with the three answers."""
    assert update.effective_message
    text = t.scheduled_for_worker(view)
    if view.peer_telegram_id is not None:
        keys = keyboards.session(view.id, view.version)
        if not await notify(context, view.peer_telegram_id, t.new_session_for_peer(view), keys):
            text += "\n" + _(t.COULD_NOT_TELL).format(name=view.peer_name)
    await update.effective_message.reply_text(text)


def _ask_length() -> tuple[str, Keyboard]:
    """The guided /schedule's question for the length, after a time pressed or typed."""
    low, high = scheduling.MIN_MINUTES, scheduling.MAX_MINUTES
    return _(tsch.PICK_LENGTH).format(low=low, high=high), keyboards.lengths()


def _ask_place(places: list[str]) -> tuple[str, Keyboard]:
    """The guided /schedule's question for the place (those used before offered), after a
    length pressed or typed."""
    return _(tsch.PICK_PLACE), ksch.places(places)


@answers_errors
async def schedule(update: Update, context: Context) -> None:
    """Schedule from one line, or start the guided steps when no arguments are given."""
    assert update.effective_user and update.message
    uid = update.effective_user.id
    text, only = _(tsch.PICK_PEER), None
    if context.args:
        try:
            view = await call(context, scheduling.schedule_line, uid, " ".join(context.args))
            return await _scheduled(update, context, view)
        except SeveralPeers as several:  # which one? From there on, guided
            text, only = error_text(several, context.bot_data), several.choices
    peers = await call(context, scheduling.guided_start, uid)
    chosen = [(p.name, p.programme_id) for p in only or peers]
    keys = keyboards.peers_to_schedule(chosen)
    await reply(update, text, keys)


@answers_errors
async def pick_peer(update: Update, context: Context) -> None:
    """Take the peer of a guided /schedule; ask for the day."""
    query, [programme_id] = press(update, cb.SCH_PEER)
    _zone, days = await call(context, scheduling.guided_peer, query.from_user.id, programme_id)
    await show(query, _(tsch.PICK_DAY), keyboards.days(days))


@answers_errors
async def pick_day(update: Update, context: Context) -> None:
    """Take the day of a guided /schedule; ask for the time."""
    query, [day] = press(update, cb.SCH_DAY)
    times = await call(context, scheduling.guided_day, query.from_user.id, day)
    await show(query, _(tsch.PICK_TIME), ksch.session_times(times))


@answers_errors
async def pick_time(update: Update, context: Context) -> None:
    """Take the time of a guided /schedule from a button; ask for the length."""
    query, [at] = press(update, cb.SCH_TIME)
    await call(context, scheduling.guided_time, query.from_user.id, f"{at:%H:%M}")
    await show(query, *_ask_length())


@answers_errors
async def pick_length(update: Update, context: Context) -> None:
    """Take the length of a guided /schedule; ask for the place."""
    query, [minutes] = press(update, cb.SCH_LENGTH)
    places = await call(context, scheduling.guided_length, query.from_user.id, minutes)
    await show(query, *_ask_place(places))


@answers_errors
async def pick_place(update: Update, context: Context) -> None:
    """Book the guided session at a place used before, or with the place left open."""
    query, [offered] = press(update, cb.SCH_PLACE)
    uid = query.from_user.id
    view = await call(context, scheduling.guided_place, uid, None, offered=offered)
    await settle(query)
    await _scheduled(update, context, view)


@answers_errors
async def type_session_time(update: Update, context: Context, where: Where) -> None:
    """Take a typed time in the guided /schedule; ask for the length."""
    await call(context, scheduling.guided_time, *typed_by(update))
    await reply(update, *_ask_length())


@answers_errors
async def type_session_length(update: Update, context: Context, where: Where) -> None:
    """Take a typed length ("45", "1 hour") in the guided /schedule; ask for the place."""
    places = await call(context, scheduling.guided_length, *typed_by(update))
    await reply(update, *_ask_place(places))


@answers_errors
async def type_session_place(update: Update, context: Context, where: Where) -> None:
    """Take a typed place in the guided /schedule and book the session."""
    view = await call(context, scheduling.guided_place, *typed_by(update))
    await _scheduled(update, context, view)


async def ask_for_a_button(update: Update, context: Context, where: Where) -> None:
    """At a guided step of buttons: the button the worker typed, else point at them."""
    assert update.message
    if not await typed.press_typed_choice(update, context):
        await update.message.reply_text(_(tsch.PICK_BUTTON))
