"""Peer workers' /settings: when summaries arrive, working hours and days, time zone,
capacity, and safety check-ins on or off (only when the service uses them).

Every button re-checks that the presser is a peer worker changing their own settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update

from bot import callbacks as cb, keyboards, texts as common
from bot.config import Settings
from bot.i18n import _
from bot.keyboards import Keyboard
from bot.keyboards.settings import capacities
from bot.messages import worker_settings as settings_text
from bot.services import conversations, localtime, worker_settings
from bot.services.flows import Flow, Where, WorkerSettingsStep
from bot.services.worker_settings import LEAD_CHOICES, WorkerSettings
from bot.texts import reminders as t, worker_settings_more as more
from handlers.common import Context, answers_errors, call, parse_press, reply, show, typed
from storage.uow import UnitOfWork


def _panel(context: Context, current: WorkerSettings) -> tuple[str, Keyboard]:
    """The settings as words (capacity and check-ins before the closing line) and buttons."""
    settings = context.bot_data.settings
    safety = current.safety_checkins if settings.safety_checkins else None
    *lines, last = settings_text(current).split("\n")
    capacity = more.capacity_lines(current.capacity or settings.worker_capacity, safety)
    return "\n".join([*lines, capacity, last]), keyboards.worker_settings(safety)


@answers_errors
async def show_worker_settings(update: Update, context: Context) -> None:
    """Show a peer worker's settings with buttons to change them."""
    assert update.effective_user
    current = await call(
        context, worker_settings.my_settings, update.effective_user.id, timed=False
    )
    await reply(update, *_panel(context, current))


async def _save(
    update: Update, context: Context, change: Any, *args: Any, gone: bool = False
) -> None:
    """Make one change (none when `change` is None), forget any typed step, show the panel."""
    assert update.effective_user and update.callback_query
    tg_id = update.effective_user.id
    async with context.bot_data.uow() as uow:
        current = await worker_settings.my_settings(uow, tg_id)  # peer workers only
        if change is not None:
            current = await change(uow, tg_id, *args)
        await conversations.stop_expecting(uow, tg_id, Flow.WORKER_SETTINGS)
    answer = _(common.BUTTON_GONE) if gone else None
    await show(update.callback_query, *_panel(context, current), answer)


@answers_errors
async def show_worker_settings_again(update: Update, context: Context) -> None:
    """Go back to the settings as they are now (Back, Done, or a stale or forged button)."""
    gone = parse_press(update, cb.WSET_BACK) is None
    await _save(update, context, None, gone=gone)


@answers_errors
async def set_summary_lead(update: Update, context: Context) -> None:
    """Set how long before each session the summary arrives."""
    picked = parse_press(update, cb.WSET_SET_LEAD)
    if picked is None or picked[0] not in LEAD_CHOICES:
        return await _save(update, context, None, gone=True)
    await _save(update, context, worker_settings.set_lead, picked[0])


@answers_errors
async def set_working_hours(update: Update, context: Context) -> None:
    """Set working hours from a button."""
    if (span := parse_press(update, cb.WSET_SET_HOURS)) is None:
        return await _save(update, context, None, gone=True)
    await _save(update, context, worker_settings.set_hours, *span)


@answers_errors
async def set_time_zone(update: Update, context: Context) -> None:
    """Set the time zone from a button."""
    if (picked := parse_press(update, cb.WSET_SET_ZONE)) is None:
        return await _save(update, context, None, gone=True)
    await _save(update, context, worker_settings.set_timezone, cb.WORKER_ZONES[picked[0]])


@answers_errors
async def toggle_working_day(update: Update, context: Context) -> None:
    """Turn one working day on or off, staying on the days picker."""
    assert update.effective_user and update.callback_query
    if (day := parse_press(update, cb.WSET_TOGGLE_DAY)) is None:
        return await _save(update, context, None, gone=True)
    async with context.bot_data.uow() as uow:
        await worker_settings.my_settings(uow, update.effective_user.id)  # peer workers only
        current = await worker_settings.toggle_day(uow, update.effective_user.id, day[0])
    keys = DAYS.keys(current, context.bot_data.settings)
    await show(update.callback_query, _(DAYS.question), keys)


@dataclass(frozen=True)
class _Picker:
    """One setting's picker: the typed answer it also takes (None: buttons only), its
    question, and its buttons for the settings as they are (and the service's own)."""

    step: WorkerSettingsStep | None
    question: str
    keys: Callable[[WorkerSettings, Settings], Keyboard]


LEAD = _Picker(None, t.ASK_LEAD, lambda s, _cfg: keyboards.summary_leads(s.summary_lead_minutes))
HOURS = _Picker(WorkerSettingsStep.HOURS, t.ASK_HOURS, lambda _s, _cfg: keyboards.working_hours())
DAYS = _Picker(None, t.ASK_DAYS, lambda s, _cfg: keyboards.working_days(s.work_days))
ZONE = _Picker(
    WorkerSettingsStep.TIMEZONE, t.ASK_TIMEZONE, lambda _s, _cfg: keyboards.worker_zones()
)
CAPACITY = _Picker(
    None, more.ASK_CAPACITY, lambda s, cfg: capacities(s.capacity or cfg.worker_capacity)
)


async def _ask(update: Update, context: Context, picker: _Picker) -> None:
    """Show a picker; remember (or forget) that a typed answer belongs to it."""
    assert update.effective_user and update.callback_query
    data, tg_id, step = context.bot_data, update.effective_user.id, picker.step
    async with data.uow() as uow:
        current = await worker_settings.my_settings(uow, tg_id)  # peer workers only
        if step is not None:
            await conversations.expect_typed(uow, tg_id, Flow.WORKER_SETTINGS, step, now=data.now())
        else:
            await conversations.stop_expecting(uow, tg_id, Flow.WORKER_SETTINGS)
    await show(update.callback_query, _(picker.question), picker.keys(current, data.settings))


@answers_errors
async def ask_summary_lead(update: Update, context: Context) -> None:
    """Offer the summary timings."""
    await _ask(update, context, LEAD)


@answers_errors
async def ask_working_hours(update: Update, context: Context) -> None:
    """Offer working hours; typed ones work too."""
    await _ask(update, context, HOURS)


@answers_errors
async def ask_working_days(update: Update, context: Context) -> None:
    """Show the working days to turn on or off."""
    await _ask(update, context, DAYS)


@answers_errors
async def ask_time_zone(update: Update, context: Context) -> None:
    """Offer common time zones; a typed one works too."""
    await _ask(update, context, ZONE)


async def _changed(uow: UnitOfWork, telegram_id: int, change: Any, *args: Any) -> Any:
    """Make one change to the worker's settings and end any typed step: the settings."""
    current = await change(uow, telegram_id, *args)
    await conversations.stop_expecting(uow, telegram_id, Flow.WORKER_SETTINGS)
    return current


async def _typed(update: Update, context: Context, change: Any, *args: Any) -> None:
    """Make the change a typed answer asks for (`args` read from it), then show the panel."""
    assert update.effective_user
    uid = update.effective_user.id
    current = await call(context, _changed, uid, change, *args, timed=False)
    text, keys = _panel(context, current)
    await reply(update, f"{_(t.SAVED)}\n\n{text}", keys)


@answers_errors
async def type_working_hours(update: Update, context: Context, where: Where) -> None:
    """Take typed working hours ("09:30-16:30"); a bad answer is explained, the step stays."""
    await _typed(update, context, worker_settings.set_hours, *localtime.parse_range(typed(update)))


@answers_errors
async def type_time_zone(update: Update, context: Context, where: Where) -> None:
    """Take a typed time zone ("Europe/Dublin"); a bad one is explained and the step stays."""
    await _typed(update, context, worker_settings.set_timezone, typed(update))


@answers_errors
async def ask_capacity(update: Update, context: Context) -> None:
    """Offer how many peers at once."""
    await _ask(update, context, CAPACITY)


@answers_errors
async def set_capacity(update: Update, context: Context) -> None:
    """Set how many peers the worker supports at once."""
    if (picked := parse_press(update, cb.WSET_SET_CAPACITY)) is None:
        return await _save(update, context, None, gone=True)
    await _save(update, context, worker_settings.set_capacity, picked[0])


@answers_errors
async def turn_safety_checkins(update: Update, context: Context) -> None:
    """Turn lone-working safety check-ins on or off (only when the service uses them)."""
    picked = parse_press(update, cb.WSET_SAFETY)
    if picked is None or not context.bot_data.settings.safety_checkins:
        return await _save(update, context, None, gone=True)
    await _save(update, context, worker_settings.set_safety_checkins, bool(picked[0]))
