"""Peer workers' /settings: when summaries arrive, working hours and days, time zone."""

from __future__ import annotations

from datetime import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler

from bot import texts as common
from bot.services import conversations, reminders, worker_settings
from bot.services.errors import BadInput, DomainError
from bot.services.worker_settings import LEAD_CHOICES, WorkerSettings
from bot.texts import reminders as t
from handlers.common import Context, answers_errors, button, error_text, parse_button
from handlers.conversation import text_step
from handlers.reminders import edit
from handlers.settings import settings_for
from storage.models import Conversation

FLOW = "worker_settings"
HOURS_CHOICES = ((time(9), time(17)), (time(8), time(16)), (time(10), time(18)))
COMMON_ZONES = ("Europe/London", "Europe/Dublin", "Europe/Paris")


def _b(text: str, action: str, *ids: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=button("wset", action, *ids))


def _hhmm(at: time) -> int:
    return at.hour * 100 + at.minute


def _time(value: int) -> time | None:
    hour, minute = divmod(value, 100)
    return time(hour, minute) if 0 <= hour <= 23 and 0 <= minute <= 59 else None


def panel_text(s: WorkerSettings) -> str:
    return t.worker_settings(
        s.summary_lead_minutes, s.work_from, s.work_until, s.work_days, s.timezone
    )


def panel_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_b(t.BUTTON_LEAD, "l"), _b(t.BUTTON_HOURS, "h")],
            [_b(t.BUTTON_DAYS, "d"), _b(t.BUTTON_TIMEZONE, "z")],
        ]
    )


def _lead_keyboard(current: int) -> InlineKeyboardMarkup:
    row = [_b(t.toggle_label(t.lead(m), m == current), "ls", m) for m in LEAD_CHOICES]
    return InlineKeyboardMarkup([row[:3], row[3:], [_b(t.BUTTON_BACK, "b")]])


def _hours_keyboard() -> InlineKeyboardMarkup:
    rows = [[_b(t.span(a, b), "hs", _hhmm(a), _hhmm(b))] for a, b in HOURS_CHOICES]
    return InlineKeyboardMarkup([*rows, [_b(t.BUTTON_BACK, "b")]])


def _days_keyboard(work_days: str) -> InlineKeyboardMarkup:
    row = [
        _b(t.toggle_label(name, str(i) in work_days), "dt", i)
        for i, name in enumerate(t.WEEKDAYS, 1)
    ]
    return InlineKeyboardMarkup([row[:4], row[4:], [_b(t.BUTTON_DONE, "b")]])


def _zones_keyboard() -> InlineKeyboardMarkup:
    rows = [[_b(zone, "zs", i)] for i, zone in enumerate(COMMON_ZONES)]
    return InlineKeyboardMarkup([*rows, [_b(t.BUTTON_BACK, "b")]])


@settings_for("worker")
@answers_errors
async def show_settings(update: Update, context: Context) -> None:
    """Show a peer worker's settings with buttons to change them."""
    assert update.effective_user and update.message
    async with context.bot_data.uow() as uow:
        current = await worker_settings.my_settings(uow, update.effective_user.id)
    await update.message.reply_text(panel_text(current), reply_markup=panel_keyboard())


async def _remember(context: Context, telegram_id: int, step: str | None) -> None:
    """Keep (or forget) which typed answer the worker is about to give."""
    data = context.bot_data
    async with data.uow() as uow:
        if step is not None:
            await conversations.expect_typed(uow, telegram_id, FLOW, step, now=data.now())
        else:
            await conversations.stop_expecting(uow, telegram_id, FLOW)


@answers_errors
async def press(update: Update, context: Context) -> None:
    """Change a setting by button (re-checked: peer workers only, their own settings)."""
    query = update.callback_query
    assert query and update.effective_user
    tg_id = update.effective_user.id
    parsed = parse_button(query.data, "wset")
    action, ids = parsed if parsed else ("", [])
    async with context.bot_data.uow() as uow:
        current = await worker_settings.my_settings(uow, tg_id)  # peer workers only
        if action == "ls" and len(ids) == 1 and ids[0] in LEAD_CHOICES:
            current = await worker_settings.set_lead(uow, tg_id, ids[0])
        elif action == "hs" and len(ids) == 2 and (a := _time(ids[0])) and (b := _time(ids[1])):
            current = await worker_settings.set_hours(uow, tg_id, a, b)
        elif action == "dt" and len(ids) == 1 and 1 <= ids[0] <= 7:
            current = await worker_settings.toggle_day(uow, tg_id, ids[0])
            await query.answer()
            await edit(query, t.ASK_DAYS, reply_markup=_days_keyboard(current.work_days))
            return
        elif action == "zs" and len(ids) == 1 and 0 <= ids[0] < len(COMMON_ZONES):
            current = await worker_settings.set_timezone(uow, tg_id, COMMON_ZONES[ids[0]])
    pickers = {
        "l": (None, t.ASK_LEAD, _lead_keyboard(current.summary_lead_minutes)),
        "h": ("hours", t.ASK_HOURS, _hours_keyboard()),
        "d": (None, t.ASK_DAYS, _days_keyboard(current.work_days)),
        "z": ("timezone", t.ASK_TIMEZONE, _zones_keyboard()),
    }
    if action in pickers and not ids:
        step, text, markup = pickers[action]
        await _remember(context, tg_id, step)
        await query.answer()
        await edit(query, text, reply_markup=markup)
        return
    known = action in ("b", "ls", "hs", "zs")
    await query.answer(None if known else common.BUTTON_GONE)
    await _remember(context, tg_id, None)
    await edit(query, panel_text(current), reply_markup=panel_keyboard())


@text_step(FLOW)
async def typed(update: Update, context: Context, conversation: Conversation) -> None:
    """Take typed working hours ("09:30-16:30") or a time zone ("Europe/Dublin")."""
    assert update.effective_user and update.message
    tg_id, text = update.effective_user.id, update.message.text or ""
    try:
        async with context.bot_data.uow() as uow:
            if conversation.step == "hours":
                start, end = reminders.parse_range(text)
                current = await worker_settings.set_hours(uow, tg_id, start, end)
            elif conversation.step == "timezone":
                current = await worker_settings.set_timezone(uow, tg_id, text)
            else:
                raise BadInput("lead_unknown")
    except DomainError as error:
        await update.message.reply_text(error_text(error, context.bot_data))
        return
    await _remember(context, tg_id, None)
    await update.message.reply_text(
        f"{t.SAVED}\n\n{panel_text(current)}", reply_markup=panel_keyboard()
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    # The buttons of peer workers' /settings (the command itself is handlers.settings').
    app.add_handler(CallbackQueryHandler(press, pattern=r"^wset:"))
