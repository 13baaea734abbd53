"""Coordinators: /team, /digest (text, chart, CSV) and their /settings (SPEC §5).

Every settings button re-checks that the presser is a coordinator; a stale or forged
payload shows the settings as they are now and changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import time

from telegram import Update
from telegram.constants import ChatAction

from bot import callbacks as cb
from bot import keyboards, texts
from bot.chart import digest_chart_png
from bot.messages import MESSAGE_LIMIT, message_parts
from bot.services import team as service
from bot.services.digest import digest_csv, digest_now
from bot.services.flows import Where
from bot.services.team import CoordinatorSettings
from bot.texts import team as t
from handlers.common import Context, answers_errors, edit, markup, parse_press

# Re-exported for code written against the old home of message_parts; the lead drops it.
__all__ = ["MESSAGE_LIMIT", "message_parts"]

log = logging.getLogger(__name__)


@answers_errors
async def show_team(update: Update, context: Context) -> None:
    """Show each peer worker's caseload and this week's sessions to a coordinator."""
    assert update.effective_user and update.message
    data = context.bot_data
    async with data.uow() as uow:
        view = await service.team_view(uow, update.effective_user.id, now=data.now())
    for part in message_parts(t.render_team(view)):
        await update.message.reply_text(part)


@answers_errors
async def send_digest(update: Update, context: Context) -> None:
    """Send the last seven days' digest now: the text, the chart, the CSV file."""
    assert update.effective_user and update.message
    data = context.bot_data
    async with data.uow() as uow:
        digest = await digest_now(uow, update.effective_user.id, now=data.now())
    # Drawing takes a moment of CPU: off the event loop, so other chats go on; and before
    # the text, so the figures, the chart and the file arrive together.
    await update.message.chat.send_action(ChatAction.TYPING)
    picture = await asyncio.to_thread(digest_chart_png, digest)
    for part in message_parts(t.render_digest(digest)):
        await update.message.reply_text(part)
    await update.message.reply_photo(picture, caption=t.CHART_CAPTION)
    filename = f"digest-{digest.end:%Y-%m-%d}.csv"
    await update.message.reply_document(
        digest_csv(digest), filename=filename, caption=t.CSV_CAPTION
    )
    log.info("digest sent to coordinator chat %s", update.message.chat_id)


@answers_errors
async def show_digest_settings(update: Update, context: Context) -> None:
    """Show when the weekly digest arrives, with buttons to change it."""
    assert update.effective_user and update.message
    async with context.bot_data.uow() as uow:
        current = await service.coordinator_settings(uow, update.effective_user.id)
    await update.message.reply_text(
        t.render_settings(current), reply_markup=markup(keyboards.digest_settings())
    )


async def _saved(update: Update, current: CoordinatorSettings) -> None:
    assert update.callback_query
    await update.callback_query.answer()
    await edit(
        update.callback_query, t.render_settings(current, saved=True), keyboards.digest_settings()
    )


@answers_errors
async def show_digest_settings_again(update: Update, context: Context) -> None:
    """Show the settings as they are now, for a stale or forged button; change nothing."""
    assert update.callback_query
    async with context.bot_data.uow() as uow:
        current = await service.coordinator_settings(uow, update.callback_query.from_user.id)
    # Always answer a callback query, or the button keeps spinning on the phone.
    await update.callback_query.answer(texts.BUTTON_GONE)
    await edit(update.callback_query, t.render_settings(current), keyboards.digest_settings())


@answers_errors
async def ask_digest_day(update: Update, context: Context) -> None:
    """Offer the days of the week for the digest."""
    assert update.callback_query
    async with context.bot_data.uow() as uow:
        await service.coordinator_settings(uow, update.callback_query.from_user.id)
    await update.callback_query.answer()
    await edit(update.callback_query, t.ASK_DAY, keyboards.digest_days(service.WEEKDAYS))


@answers_errors
async def set_digest_day(update: Update, context: Context) -> None:
    """Set the digest's day of the week."""
    assert update.callback_query
    if (day := parse_press(update, cb.TEAM_SET_DAY)) is None:
        return await show_digest_settings_again(update, context)
    async with context.bot_data.uow() as uow:
        current = await service.set_digest_day(uow, update.callback_query.from_user.id, day[0])
    await _saved(update, current)


@answers_errors
async def ask_digest_time(update: Update, context: Context) -> None:
    """Offer times for the digest; a typed one works too."""
    assert update.callback_query
    data = context.bot_data
    async with data.uow() as uow:
        await service.expect_typed(uow, update.callback_query.from_user.id, "time", now=data.now())
    await update.callback_query.answer()
    await edit(update.callback_query, t.ASK_TIME, keyboards.digest_times())


@answers_errors
async def set_digest_time(update: Update, context: Context) -> None:
    """Set the digest's time of day from a button."""
    assert update.callback_query
    picked = parse_press(update, cb.TEAM_SET_TIME)
    if picked is None or time(*picked) not in cb.DIGEST_TIMES:
        return await show_digest_settings_again(update, context)
    at = f"{picked[0]:02d}:{picked[1]:02d}"
    async with context.bot_data.uow() as uow:
        current = await service.set_digest_time(uow, update.callback_query.from_user.id, at)
    await _saved(update, current)


@answers_errors
async def ask_digest_zone(update: Update, context: Context) -> None:
    """Offer time zones; a typed one works too."""
    assert update.callback_query
    data = context.bot_data
    async with data.uow() as uow:
        current = await service.expect_typed(
            uow, update.callback_query.from_user.id, "zone", now=data.now()
        )
    await update.callback_query.answer()
    await edit(update.callback_query, t.ask_zone(current.timezone), keyboards.digest_zones())


@answers_errors
async def set_digest_zone(update: Update, context: Context) -> None:
    """Set the coordinator's time zone from a button."""
    assert update.callback_query
    if (picked := parse_press(update, cb.TEAM_SET_ZONE)) is None:
        return await show_digest_settings_again(update, context)
    zone = cb.DIGEST_ZONES[picked[0]]
    async with context.bot_data.uow() as uow:
        current = await service.set_timezone(uow, update.callback_query.from_user.id, zone)
    await _saved(update, current)


async def _typed(update: Update, current: CoordinatorSettings) -> None:
    assert update.message
    await update.message.reply_text(
        t.render_settings(current, saved=True), reply_markup=markup(keyboards.digest_settings())
    )


@answers_errors
async def type_digest_time(update: Update, context: Context, where: Where) -> None:
    """Take a typed digest time; a bad one is explained and the step stays."""
    assert update.effective_user and update.message and update.message.text
    async with context.bot_data.uow() as uow:
        current = await service.set_digest_time(uow, update.effective_user.id, update.message.text)
    await _typed(update, current)


@answers_errors
async def type_digest_zone(update: Update, context: Context, where: Where) -> None:
    """Take a typed time zone; a bad one is explained and the step stays."""
    assert update.effective_user and update.message and update.message.text
    async with context.bot_data.uow() as uow:
        current = await service.set_timezone(uow, update.effective_user.id, update.message.text)
    await _typed(update, current)
