"""Lone-working safety (SPEC §8): /checkin, /safe, /sos, "I'm safe", "I'm handling it".

What is sent later (the start, "Are you safe?", alerts, who is handling it, "it's over")
goes through the delivery ledger; these handlers answer the person who acted, and /sos
wakes the scheduler so its alerts go out at once.
"""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime
from typing import Any

from telegram import Update

from bot import callbacks as cb
from bot.keyboards import safety as keys
from bot.services import safety
from bot.services.flows import Where
from bot.services.safety_plan import SafetyConfig
from bot.texts import safety as t
from bot.texts.sessions import is_skip
from handlers.common import Context, H, answers_errors, call, press, reply, show, tell, typed_by

log = logging.getLogger(__name__)
# scheduler.JOB_NAME: the delivery tick (handlers do not import the scheduler).
DELIVERY_JOB = "deliveries"


def _config(context: Context) -> SafetyConfig:
    return SafetyConfig.of(context.bot_data.settings)


def answers_off(handler: H) -> H:
    """When the service does not use check-ins, say so kindly; other errors as usual."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: Context, *args: Any) -> None:
        try:
            await handler(update, context, *args)  # type: ignore[call-arg]
        except safety.CheckinsOff:
            await tell(update, t.off())

    return answers_errors(wrapper)  # type: ignore[return-value]


@answers_off
async def start_checkin(update: Update, context: Context) -> None:
    """Start an ad hoc check-in (/checkin [minutes]): ask where, or Skip."""
    assert update.effective_user
    uid, args = update.effective_user.id, list(context.args or [])
    minutes = await call(context, safety.ask_place, uid, args, config=_config(context))
    await reply(update, t.ask_place(minutes), keys.skip_place())


@answers_off
async def type_checkin_place(update: Update, context: Context, where: Where) -> None:
    """Take the typed place of an ad hoc check-in (or "skip") and begin it."""
    uid, text = typed_by(update)
    place = None if is_skip(text) else text
    started = await call(context, safety.start_checkin, uid, place, config=_config(context))
    text = t.checkin_started(started.ends_at, started.grace_minutes, started.timezone)
    await reply(update, text, keys.im_safe(started.checkin_id))


@answers_off
async def skip_checkin_place(update: Update, context: Context) -> None:
    """Begin an ad hoc check-in with no place."""
    query, _ = press(update, cb.SFY_SKIP_PLACE)
    started = await call(
        context, safety.start_checkin, query.from_user.id, None, config=_config(context)
    )
    text = t.checkin_started(started.ends_at, started.grace_minutes, started.timezone)
    await show(query, text, keys.im_safe(started.checkin_id))


@answers_off
async def say_safe(update: Update, context: Context) -> None:
    """End the worker's check-ins under way (/safe)."""
    assert update.effective_user
    done = await call(context, safety.say_safe, update.effective_user.id, config=_config(context))
    await reply(update, t.safe_thanks() if done else t.nothing_open())


@answers_off
async def press_safe(update: Update, context: Context) -> None:
    """Take "I'm safe" under a check-in's message."""
    query, [checkin_id] = press(update, cb.SFY_SAFE)
    uid = query.from_user.id
    done = await call(context, safety.press_safe, uid, checkin_id, config=_config(context))
    await show(query, t.safe_thanks() if done else t.already_safe())


@answers_off
async def raise_sos(update: Update, context: Context) -> None:
    """Alert every coordinator at once (/sos); tell the worker who is being told."""
    assert update.effective_user
    names = await call(context, safety.sos, update.effective_user.id, config=_config(context))
    log.warning("sos raised by user %s", update.effective_user.id)
    wake_scheduler(context)
    await reply(update, t.sos_sent(names))


@answers_off
async def handle_alert(update: Update, context: Context) -> None:
    """Take "I'm handling it" under an alert; the first press is shown to the others."""
    query, [checkin_id] = press(update, cb.SFY_HANDLE)
    uid = query.from_user.id
    did = await call(context, safety.handle, uid, checkin_id, config=_config(context))
    if not did.mine:
        text = (
            t.already_over(did.worker_name) if did.resolved else t.already_handled(did.handler_name)
        )
        await query.answer(text, show_alert=True)
        return
    wake_scheduler(context)
    await query.answer(t.handling_thanks(), show_alert=True)
    await query.edit_message_reply_markup(None)


async def note_heard(update: Update, context: Context) -> None:
    """Note when a worker was last heard from (any update), for the words of an alert."""
    user = update.effective_user
    if user is None or not context.bot_data.settings.safety_checkins:
        return
    try:
        await call(context, safety.heard_from, user.id)
    except Exception as error:  # a note for an alert's words: never in the way of the answer
        log.warning("last heard not noted: %s", type(error).__name__)


def wake_scheduler(context: Context) -> None:
    """Run the delivery tick now rather than at its next turn (an alert is waiting)."""
    jobs = context.job_queue.get_jobs_by_name(DELIVERY_JOB) if context.job_queue else ()
    for job in jobs:
        job.job.modify(next_run_time=datetime.now(UTC))
