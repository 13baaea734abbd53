"""Coordinators: /team, /digest (text, chart, CSV) and their /settings (SPEC §5).

Every settings button re-checks that the presser is a coordinator; a stale or forged
payload shows the settings as they are now and changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import time
from typing import Any

from telegram import Update
from telegram.constants import ChatAction

from bot import callbacks as cb, keyboards, texts
from bot.chart import digest_chart_png, flow_chart_png
from bot.exports.digest_csv import digest_csv
from bot.i18n import _
from bot.messages import MESSAGE_LIMIT, message_parts
from bot.services import team as service
from bot.services.digest import digest_now
from bot.services.flows import Where
from bot.texts import digest_flow as tf, team as t
from handlers.common import Context, answers_errors, call, parse_press, reply, show, typed_by

# Re-exported for code written against the old home of message_parts; the lead drops it.
__all__ = ["MESSAGE_LIMIT", "message_parts"]

log = logging.getLogger(__name__)


@answers_errors
async def show_team(update: Update, context: Context) -> None:
    """Show each peer worker's caseload and this week's sessions to a coordinator."""
    assert update.effective_user
    view = await call(context, service.team_view, update.effective_user.id)
    for part in message_parts(t.render_team(view)):
        await reply(update, part)


@answers_errors
async def send_digest(update: Update, context: Context) -> None:
    """Send the last seven days' digest now: the text, the two charts, the CSV file."""
    assert update.effective_user and update.message
    safety = context.bot_data.settings.safety_checkins
    digest = await call(context, digest_now, update.effective_user.id, safety=safety)
    # Drawing takes a moment of CPU: off the event loop, so other chats go on; and before
    # the text, so the figures, the charts and the file arrive together.
    await update.message.chat.send_action(ChatAction.TYPING)
    week, flow = await asyncio.to_thread(lambda: (digest_chart_png(digest), flow_chart_png(digest)))
    for part in message_parts(t.render_digest(digest)):
        await update.message.reply_text(part)
    await update.message.reply_photo(week, caption=_(t.CHART_CAPTION))
    await update.message.reply_photo(flow, caption=_(tf.FLOW_CHART_CAPTION))
    filename = f"digest-{digest.end.date().isoformat()}.csv"
    await update.message.reply_document(
        digest_csv(digest), filename=filename, caption=_(t.CSV_CAPTION)
    )
    log.info("digest sent to coordinator chat %s", update.message.chat_id)


@answers_errors
async def show_digest_settings(update: Update, context: Context) -> None:
    """Show when the weekly digest arrives, with buttons to change it."""
    assert update.effective_user
    current = await call(
        context, service.coordinator_settings, update.effective_user.id, timed=False
    )
    await reply(update, t.render_settings(current), keyboards.digest_settings())


async def _save(update: Update, context: Context, change: Any, *args: Any) -> None:
    """Make one change to the coordinator's settings (a service call), then show them saved."""
    assert update.callback_query
    query = update.callback_query
    current = await call(context, change, query.from_user.id, *args, timed=False)
    await show(query, t.render_settings(current, saved=True), keyboards.digest_settings())


@answers_errors
async def show_digest_settings_again(update: Update, context: Context) -> None:
    """Show the settings as they are now, for a stale or forged button; change nothing."""
    assert update.callback_query
    query = update.callback_query
    current = await call(context, service.coordinator_settings, query.from_user.id, timed=False)
    keys = keyboards.digest_settings()
    await show(query, t.render_settings(current), keys, answer=_(texts.BUTTON_GONE))


@answers_errors
async def ask_digest_day(update: Update, context: Context) -> None:
    """Offer the days of the week for the digest."""
    assert update.callback_query
    query = update.callback_query
    await call(context, service.coordinator_settings, query.from_user.id, timed=False)
    await show(query, _(t.ASK_DAY), keyboards.digest_days(service.WEEKDAYS))


@answers_errors
async def set_digest_day(update: Update, context: Context) -> None:
    """Set the digest's day of the week."""
    if (day := parse_press(update, cb.TEAM_SET_DAY)) is None:
        return await show_digest_settings_again(update, context)
    await _save(update, context, service.set_digest_day, day[0])


@answers_errors
async def ask_digest_time(update: Update, context: Context) -> None:
    """Offer times for the digest; a typed one works too."""
    assert update.callback_query
    query = update.callback_query
    await call(context, service.expect_typed, query.from_user.id, "time")
    await show(query, _(t.ASK_TIME), keyboards.digest_times())


@answers_errors
async def set_digest_time(update: Update, context: Context) -> None:
    """Set the digest's time of day from a button."""
    picked = parse_press(update, cb.TEAM_SET_TIME)
    if picked is None or time(*picked) not in cb.DIGEST_TIMES:
        return await show_digest_settings_again(update, context)
    await _save(update, context, service.set_digest_time, f"{picked[0]:02d}:{picked[1]:02d}")


@answers_errors
async def ask_digest_zone(update: Update, context: Context) -> None:
    """Offer time zones; a typed one works too."""
    assert update.callback_query
    query = update.callback_query
    current = await call(context, service.expect_typed, query.from_user.id, "zone")
    await show(query, t.ask_zone(current.timezone), keyboards.digest_zones())


@answers_errors
async def set_digest_zone(update: Update, context: Context) -> None:
    """Set the coordinator's time zone from a button."""
    if (picked := parse_press(update, cb.TEAM_SET_ZONE)) is None:
        return await show_digest_settings_again(update, context)
    await _save(update, context, service.set_timezone, cb.DIGEST_ZONES[picked[0]])


async def _typed(update: Update, context: Context, change: Any) -> None:
    """Make the change a typed answer asks for, then show the settings saved."""
    uid, typed = typed_by(update)
    current = await call(context, change, uid, typed, timed=False)
    await reply(update, t.render_settings(current, saved=True), keyboards.digest_settings())


@answers_errors
async def type_digest_time(update: Update, context: Context, where: Where) -> None:
    """Take a typed digest time; a bad one is explained and the step stays."""
    await _typed(update, context, service.set_digest_time)


@answers_errors
async def type_digest_zone(update: Update, context: Context, where: Where) -> None:
    """Take a typed time zone; a bad one is explained and the step stays."""
    await _typed(update, context, service.set_timezone)
