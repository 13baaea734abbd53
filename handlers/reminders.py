"""Opt-in reminders, /stop and resuming, the one-time offer, and peer workers' settings."""

from __future__ import annotations

import logging
from datetime import datetime, time
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import texts as common
from bot.services import conversations, reminders
from bot.services.delivery_times import in_quiet_hours
from bot.services.errors import BadInput, DomainError
from bot.services.reminders import ReminderChoice
from bot.texts import reminders as t
from handlers.common import Context, answers_errors, button, error_text, parse_button
from handlers.conversation import text_step
from storage.models import Conversation

log = logging.getLogger(__name__)

UTC = ZoneInfo("UTC")

FLOW = "reminders"
# Button ids for the three choices (payloads carry numbers only).
CODES = {1: reminders.DAY_BEFORE, 2: reminders.MORNING, 3: reminders.HOUR_BEFORE}
NUMBERS = {name: code for code, name in CODES.items()}
TIME_CHOICES = {
    reminders.DAY_BEFORE: (time(17), time(18), time(19), time(20)),
    reminders.MORNING: (time(7), time(7, 30), time(8, 30), time(9)),
}
QUIET_CHOICES = ((time(21), time(8)), (time(22), time(7)), (time(20), time(9)), (time(23), time(7)))


def _hhmm(at: time) -> int:
    return at.hour * 100 + at.minute


def _time(value: int) -> time | None:
    hour, minute = divmod(value, 100)
    return time(hour, minute) if 0 <= hour <= 23 and 0 <= minute <= 59 else None


def _in_quiet(choice: ReminderChoice) -> list[str]:
    """Chosen fixed-time reminders that always fall inside the quiet hours."""
    found = []
    for name, on, at in (
        (reminders.DAY_BEFORE, choice.day_before, choice.day_before_at),
        (reminders.MORNING, choice.morning, choice.morning_at),
    ):
        moment = datetime(2000, 1, 1, at.hour, at.minute, tzinfo=UTC)
        if on and in_quiet_hours(moment, choice.quiet_from, choice.quiet_until, UTC):
            found.append(name)
    return found


def panel_text(choice: ReminderChoice) -> str:
    return t.panel(
        day_before=choice.day_before_at if choice.day_before else None,
        morning=choice.morning_at if choice.morning else None,
        hour_before=choice.hour_before,
        quiet=(choice.quiet_from, choice.quiet_until) if choice.has_quiet_hours else None,
        paused=choice.paused,
        in_quiet=_in_quiet(choice),
    )


async def edit(
    query: CallbackQuery, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the pressed message; pressing what is already shown is not an error."""
    try:
        await query.edit_message_text(text, reply_markup=reply_markup)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


def _b(text: str, action: str, *ids: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=button("rem", action, *ids))


def panel_keyboard(choice: ReminderChoice) -> InlineKeyboardMarkup:
    quiet = (choice.quiet_from, choice.quiet_until) if choice.has_quiet_hours else None
    return InlineKeyboardMarkup(
        [
            [
                _b(t.toggle_label(t.BUTTON_DAY_BEFORE, choice.day_before), "t", 1),
                _b(t.time_label(choice.day_before_at), "tm", 1),
            ],
            [
                _b(t.toggle_label(t.BUTTON_MORNING, choice.morning), "t", 2),
                _b(t.time_label(choice.morning_at), "tm", 2),
            ],
            [_b(t.toggle_label(t.BUTTON_HOUR_BEFORE, choice.hour_before), "t", 3)],
            [_b(t.quiet_label(quiet), "q"), _b(t.toggle_label(t.BUTTON_NONE, not choice.any), "n")],
        ]
    )


def reminder_offer_keyboard() -> InlineKeyboardMarkup:
    """The one-time offer after joining: three choices and a first-class "No thanks"."""
    return InlineKeyboardMarkup(
        [
            [_b(t.BUTTON_DAY_BEFORE, "on", 1), _b(t.BUTTON_MORNING, "on", 2)],
            [_b(t.BUTTON_HOUR_BEFORE, "on", 3), _b(t.BUTTON_NO_THANKS, "no")],
        ]
    )


REMINDER_OFFER_TEXT = t.OFFER


async def offer(message: Message, context: Context, person_id: int) -> None:
    """Offer reminders to a peer who has just joined, once ever (call after the welcome)."""
    data = context.bot_data
    async with data.uow() as uow:
        first_time = await reminders.offer_once(uow, person_id, now=data.now())
    if first_time:
        await message.reply_text(t.OFFER, reply_markup=reminder_offer_keyboard())


def _time_keyboard(code: int) -> InlineKeyboardMarkup:
    times = TIME_CHOICES[CODES[code]]
    rows = [[_b(t.hhmm(at), "st", code, _hhmm(at)) for at in times]]
    return InlineKeyboardMarkup([*rows, [_b(t.BUTTON_BACK, "b")]])


def _quiet_keyboard() -> InlineKeyboardMarkup:
    rows = [[_b(t.span(a, b), "qs", _hhmm(a), _hhmm(b))] for a, b in QUIET_CHOICES]
    rows.append([_b(t.BUTTON_NO_QUIET, "qs", 0, 0)])
    return InlineKeyboardMarkup([*rows, [_b(t.BUTTON_BACK, "b")]])


@answers_errors
async def show_reminders(update: Update, context: Context) -> None:
    """Show the peer's reminder choice with buttons to change it."""
    assert update.effective_user and update.message
    async with context.bot_data.uow() as uow:
        choice = await reminders.my_reminders(uow, update.effective_user.id)
    await update.message.reply_text(panel_text(choice), reply_markup=panel_keyboard(choice))


async def _ask(
    update: Update, context: Context, step: str, text: str, markup: InlineKeyboardMarkup
) -> None:
    """Show a picker and remember that a typed answer belongs to it."""
    assert update.effective_user and update.callback_query
    data = context.bot_data
    async with data.uow() as uow:
        await reminders.my_reminders(uow, update.effective_user.id)  # peers only
        await conversations.expect_typed(uow, update.effective_user.id, FLOW, step, now=data.now())
    await update.callback_query.answer()
    await edit(update.callback_query, text, reply_markup=markup)


async def _forget_step(context: Context, telegram_id: int) -> None:
    async with context.bot_data.uow() as uow:
        await conversations.stop_expecting(uow, telegram_id, FLOW)


@answers_errors
async def press(update: Update, context: Context) -> None:
    """Change the reminder choice by button (re-checked: peers only, own choice only)."""
    query = update.callback_query
    assert query and update.effective_user
    tg_id, now = update.effective_user.id, context.bot_data.now()
    parsed = parse_button(query.data, "rem")
    action, ids = parsed if parsed else ("", [])
    choice: ReminderChoice | None = None
    async with context.bot_data.uow() as uow:
        if action in ("t", "on") and len(ids) == 1 and ids[0] in CODES:
            change = reminders.toggle if action == "t" else reminders.turn_on
            choice = await change(uow, tg_id, CODES[ids[0]], now=now)
        elif action == "st" and len(ids) == 2 and ids[0] in (1, 2) and (at := _time(ids[1])):
            choice = await reminders.set_time(uow, tg_id, CODES[ids[0]], at, now=now)
        elif action == "qs" and len(ids) == 2 and (a := _time(ids[0])) and (b := _time(ids[1])):
            choice = await reminders.set_quiet_hours(uow, tg_id, a, b, now=now)
        elif action == "n":
            choice = await reminders.choose_none(uow, tg_id, now=now)
        elif action == "no":
            await reminders.choose_none(uow, tg_id, now=now)
            await query.answer()
            await edit(query, t.NO_THANKS)
            return
    if action == "tm" and len(ids) == 1 and ids[0] in (1, 2):
        await _ask(
            update, context, f"time:{ids[0]}", t.ASK_TIME[CODES[ids[0]]], _time_keyboard(ids[0])
        )
        return
    if action == "q" and not ids:
        await _ask(update, context, "quiet", t.ASK_QUIET, _quiet_keyboard())
        return
    if choice is None:  # "back", or a stale or forged payload: show what is true now
        async with context.bot_data.uow() as uow:
            choice = await reminders.my_reminders(uow, tg_id)
        await query.answer(None if action == "b" else common.BUTTON_GONE)
    else:
        await query.answer()
    await _forget_step(context, tg_id)
    await edit(query, panel_text(choice), reply_markup=panel_keyboard(choice))


@text_step(FLOW)
async def typed(update: Update, context: Context, conversation: Conversation) -> None:
    """Take a typed time ("19:30") or quiet hours ("22:00-07:00")."""
    assert update.effective_user and update.message
    tg_id, now = update.effective_user.id, context.bot_data.now()
    text = update.message.text or ""
    try:
        async with context.bot_data.uow() as uow:
            if conversation.step == "quiet":
                start, end = reminders.parse_range(text)
                choice = await reminders.set_quiet_hours(uow, tg_id, start, end, now=now)
            elif conversation.step in ("time:1", "time:2"):
                at = reminders.parse_time(text)
                code = int(conversation.step[-1])
                choice = await reminders.set_time(uow, tg_id, CODES[code], at, now=now)
            else:
                raise BadInput("reminder_unknown")
    except DomainError as error:
        # The step stays, so the next typed answer is read the same way.
        await update.message.reply_text(error_text(error, context.bot_data))
        return
    await _forget_step(context, tg_id)
    await update.message.reply_text(panel_text(choice), reply_markup=panel_keyboard(choice))


@answers_errors
async def stop(update: Update, context: Context) -> None:
    """Pause every message the bot would send on its own."""
    assert update.effective_user and update.message
    async with context.bot_data.uow() as uow:
        paused = await reminders.pause(uow, update.effective_user.id, now=context.bot_data.now())
    log.info("update %s: paused=%s", update.update_id, paused)
    await update.message.reply_text(t.STOPPED if paused else t.ALREADY_STOPPED)


async def resume(update: Update, context: Context) -> None:
    """Plain /start from a paused member: resume (the greeting itself comes from onboarding)."""
    assert update.effective_user and update.message
    async with context.bot_data.uow() as uow:
        resumed = await reminders.resume(uow, update.effective_user.id, now=context.bot_data.now())
    if resumed:
        await update.message.reply_text(t.RESUMED)


def register(app: Application) -> None:  # type: ignore[type-arg]
    # Plain /start resumes after /stop. Group -1 runs before onboarding's greeting (group 0)
    # and lets it run too, so the person gets both answers.
    app.add_handler(CommandHandler("start", resume, has_args=False), group=-1)
    # /reminders: the peer's own choice, with buttons.
    app.add_handler(CommandHandler("reminders", show_reminders))
    # /stop: pause everything the bot would send on its own.
    app.add_handler(CommandHandler("stop", stop))
    # The reminder buttons (the panel, the pickers and the one-time offer).
    app.add_handler(CallbackQueryHandler(press, pattern=r"^rem:"))
    # Peer workers' /settings and its buttons (imported here: it uses this module's helpers).
    from handlers import worker_settings

    worker_settings.register(app)
