"""Opt-in reminders, /stop and resuming, and the one-time offer after joining.

Every button re-checks that the presser is a peer changing their own choice; a stale or
forged payload shows the choice as it is now and changes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop

from bot import callbacks as cb, keyboards, texts as common
from bot.i18n import _
from bot.messages import reminder_panel
from bot.services import conversations, onboarding, reminders
from bot.services.flows import Flow, RemindersStep, Where
from bot.services.reminders import ReminderChoice
from bot.texts import reminders as t
from handlers.common import (
    Context,
    answers_errors,
    call,
    edit,
    markup,
    parse_press,
    reply,
    show,
    typed,
)
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

KINDS = dict(enumerate(cb.REMINDER_KINDS, 1))  # the codes the buttons carry
ASK_TIME_STEP = {1: RemindersStep.DAY_BEFORE_TIME, 2: RemindersStep.MORNING_TIME}


async def _show_choice(update: Update, choice: ReminderChoice, answer: str | None = None) -> None:
    assert update.callback_query
    await update.callback_query.answer(answer)
    await edit(update.callback_query, reminder_panel(choice), keyboards.reminder_panel(choice))


async def offer(message: Message, context: Context, person_id: int) -> None:
    """Offer reminders to a peer who has just joined, once ever (call after the welcome)."""
    if await call(context, reminders.offer_once, person_id):
        await message.reply_text(_(t.OFFER), reply_markup=markup(keyboards.reminder_offer()))


@answers_errors
async def show_reminders(update: Update, context: Context) -> None:
    """Show the peer's reminder choice with buttons to change it."""
    assert update.effective_user
    choice = await call(context, reminders.my_reminders, update.effective_user.id, timed=False)
    await reply(update, reminder_panel(choice), keyboards.reminder_panel(choice))


@answers_errors
async def show_reminder_choice(update: Update, context: Context) -> None:
    """Go back to the choice as it is now (Back, or a stale or forged button)."""
    assert update.effective_user and update.callback_query
    back = cb.REM_BACK.parse(update.callback_query.data) is not None
    async with context.bot_data.uow() as uow:
        choice = await reminders.my_reminders(uow, update.effective_user.id)
        await conversations.stop_expecting(uow, update.effective_user.id, Flow.REMINDERS)
    await _show_choice(update, choice, None if back else _(common.BUTTON_GONE))


async def _changed(
    uow: UnitOfWork, telegram_id: int, change: Any, *args: Any, now: datetime
) -> ReminderChoice:
    """Make one change to the peer's choice (a service call), end any typed step: the choice."""
    choice: ReminderChoice = await change(uow, telegram_id, *args, now=now)
    await conversations.stop_expecting(uow, telegram_id, Flow.REMINDERS)
    return choice


async def _change(update: Update, context: Context, change: Any, *args: Any) -> None:
    """Make one change to the peer's choice (a service call), then show the choice."""
    assert update.effective_user
    choice = await call(context, _changed, update.effective_user.id, change, *args)
    await _show_choice(update, choice)


@answers_errors
async def toggle_reminder(update: Update, context: Context) -> None:
    """Turn one of the three reminders on or off."""
    if (code := parse_press(update, cb.REM_TOGGLE)) is None:
        return await show_reminder_choice(update, context)
    await _change(update, context, reminders.toggle, KINDS[code[0]])


@answers_errors
async def turn_on_reminder(update: Update, context: Context) -> None:
    """Turn on the reminder chosen from the one-time offer."""
    if (code := parse_press(update, cb.REM_TURN_ON)) is None:
        return await show_reminder_choice(update, context)
    await _change(update, context, reminders.turn_on, KINDS[code[0]])


@answers_errors
async def set_reminder_time(update: Update, context: Context) -> None:
    """Set the time of the reminder the day before or on the morning."""
    if (picked := parse_press(update, cb.REM_SET_TIME)) is None:
        return await show_reminder_choice(update, context)
    code, at = picked
    await _change(update, context, reminders.set_time, KINDS[code], at)


@answers_errors
async def set_quiet_hours(update: Update, context: Context) -> None:
    """Set the quiet hours from a button (00:00–00:00: none)."""
    if (span := parse_press(update, cb.REM_SET_QUIET)) is None:
        return await show_reminder_choice(update, context)
    await _change(update, context, reminders.set_quiet_hours, *span)


@answers_errors
async def choose_no_reminders(update: Update, context: Context) -> None:
    """Turn every reminder off, from the panel's None."""
    await _change(update, context, reminders.choose_none)


@answers_errors
async def decline_reminders(update: Update, context: Context) -> None:
    """Take "No thanks" to the one-time offer."""
    query = update.callback_query
    assert query
    await call(context, reminders.choose_none, query.from_user.id)
    await show(query, _(t.NO_THANKS))


async def _ask(update: Update, context: Context, step: RemindersStep, text: str, keys: Any) -> None:
    """Show a picker and remember that a typed answer belongs to it."""
    assert update.effective_user and update.callback_query
    data, tg_id = context.bot_data, update.effective_user.id
    async with data.uow() as uow:
        await reminders.my_reminders(uow, tg_id)  # peers only
        await conversations.expect_typed(uow, tg_id, Flow.REMINDERS, step, now=data.now())
    await update.callback_query.answer()
    await edit(update.callback_query, text, keys)


@answers_errors
async def ask_reminder_time(update: Update, context: Context) -> None:
    """Offer times for a reminder; a typed time works too."""
    if (code := parse_press(update, cb.REM_ASK_TIME)) is None:
        return await show_reminder_choice(update, context)
    text = _(t.ASK_TIME[KINDS[code[0]]])
    await _ask(update, context, ASK_TIME_STEP[code[0]], text, keyboards.reminder_times(code[0]))


@answers_errors
async def ask_quiet_hours(update: Update, context: Context) -> None:
    """Offer quiet hours; typed ones work too."""
    await _ask(update, context, RemindersStep.QUIET, _(t.ASK_QUIET), keyboards.quiet_hours())


async def _typed(update: Update, context: Context, change: Any, *args: Any) -> None:
    """Make the change a typed answer asks for (`args` read from it), then show the choice."""
    assert update.effective_user
    choice = await call(context, _changed, update.effective_user.id, change, *args)
    await reply(update, reminder_panel(choice), keyboards.reminder_panel(choice))


@answers_errors
async def type_reminder_time(update: Update, context: Context, where: Where) -> None:
    """Take a typed reminder time ("19:30"); a bad one is explained and the step stays."""
    at = reminders.parse_time(typed(update))
    code = 1 if where.step == RemindersStep.DAY_BEFORE_TIME else 2
    await _typed(update, context, reminders.set_time, KINDS[code], at)


@answers_errors
async def type_quiet_hours(update: Update, context: Context, where: Where) -> None:
    """Take typed quiet hours ("22:00-07:00"); a bad answer is explained and the step stays."""
    await _typed(update, context, reminders.set_quiet_hours, *reminders.parse_range(typed(update)))


@answers_errors
async def stop(update: Update, context: Context) -> None:
    """Pause every message the bot would send on its own."""
    assert update.effective_user
    paused = await call(context, reminders.pause, update.effective_user.id)
    log.info("update %s: paused=%s", update.update_id, paused)
    await reply(update, _(t.STOPPED) if paused else _(t.ALREADY_STOPPED))


async def resume(update: Update, context: Context) -> None:
    """Resume after /stop on a plain /start, greeting in the same one message."""
    assert update.effective_user
    uid = update.effective_user.id
    if not await call(context, reminders.resume, uid):
        return  # not paused: onboarding's /start greets as usual
    me = await call(context, onboarding.whoami, uid, timed=False)
    if me is not None:
        contacts = context.bot_data.settings.contacts()
        await reply(update, common.welcome_back(me.role, me.name, contacts, resumed=True))
        # The greeting is said: plain /start's own handler must not say it again.
        raise ApplicationHandlerStop
