"""Coordinators: /team, /digest (text, chart, CSV) and their /settings (SPEC §5)."""

from __future__ import annotations

import asyncio
import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import texts
from bot.chart import digest_chart_png
from bot.services import team as service
from bot.services.digest import digest_csv, digest_now
from bot.texts import team as t
from handlers.common import Context, answers_errors, button, parse_button
from handlers.conversation import text_step
from handlers.settings import settings_for
from storage.models import Conversation

log = logging.getLogger(__name__)

FEATURE = "team"
TIME_CHOICES = ((8, 0), (9, 0), (12, 0), (17, 0))
ZONE_CHOICES = ("Europe/London", "Europe/Dublin", "Europe/Paris", "UTC")
# Telegram takes 4096 characters a message; a big team's digest goes in several.
MESSAGE_LIMIT = 4000


def message_parts(text: str) -> list[str]:
    """The text in messages under Telegram's limit, split between blocks."""
    parts: list[str] = []
    for block in text.split("\n\n"):
        if parts and len(parts[-1]) + 2 + len(block) <= MESSAGE_LIMIT:
            parts[-1] += "\n\n" + block
        else:
            parts.append(block[:MESSAGE_LIMIT])
    return parts


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
    await update.message.reply_document(
        digest_csv(digest),
        filename=f"digest-{digest.end:%Y-%m-%d}.csv",
        caption=t.CSV_CAPTION,
    )
    log.info("digest sent to coordinator chat %s", update.message.chat_id)


def settings_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t.BUTTON_DAY, callback_data=button(FEATURE, "day"))],
            [InlineKeyboardButton(t.BUTTON_TIME, callback_data=button(FEATURE, "time"))],
            [InlineKeyboardButton(t.BUTTON_ZONE, callback_data=button(FEATURE, "zone"))],
        ]
    )


def day_keyboard() -> InlineKeyboardMarkup:
    days = [
        InlineKeyboardButton(t.day_button(d), callback_data=button(FEATURE, "setday", d))
        for d in service.WEEKDAYS
    ]
    return InlineKeyboardMarkup([days[:4], days[4:]])


def time_keyboard() -> InlineKeyboardMarkup:
    times = [
        InlineKeyboardButton(f"{h:02d}:{m:02d}", callback_data=button(FEATURE, "settime", h, m))
        for h, m in TIME_CHOICES
    ]
    return InlineKeyboardMarkup([times])


def zone_keyboard() -> InlineKeyboardMarkup:
    zones = [
        InlineKeyboardButton(zone, callback_data=button(FEATURE, "setzone", i))
        for i, zone in enumerate(ZONE_CHOICES)
    ]
    return InlineKeyboardMarkup([zones[:2], zones[2:]])


@settings_for("coordinator")
@answers_errors
async def show_settings(update: Update, context: Context) -> None:
    """Show when the weekly digest arrives, with buttons to change it."""
    assert update.effective_user and update.message
    async with context.bot_data.uow() as uow:
        current = await service.coordinator_settings(uow, update.effective_user.id)
    await update.message.reply_text(t.render_settings(current), reply_markup=settings_keyboard())


async def _edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup) -> None:
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        # Pressing a button whose answer is already on screen changes nothing: fine.
        if "not modified" not in str(error).lower():
            raise


@answers_errors
async def on_button(update: Update, context: Context) -> None:
    """Take a press on the coordinator's settings; re-check who presses every time."""
    query = update.callback_query
    assert query is not None
    data = context.bot_data
    me = query.from_user.id
    parsed = parse_button(query.data, FEATURE)
    action, ids = parsed if parsed is not None else ("", [])
    answer: str | None = None
    async with data.uow() as uow:
        if action == "day" and not ids:
            await service.coordinator_settings(uow, me)
            text, markup = t.ASK_DAY, day_keyboard()
        elif action == "setday" and len(ids) == 1 and ids[0] in service.WEEKDAYS:
            current = await service.set_digest_day(uow, me, ids[0])
            text, markup = t.render_settings(current, saved=True), settings_keyboard()
        elif action == "time" and not ids:
            await service.expect_typed(uow, me, "time", now=data.now())
            text, markup = t.ASK_TIME, time_keyboard()
        elif action == "settime" and len(ids) == 2 and tuple(ids) in TIME_CHOICES:
            current = await service.set_digest_time(uow, me, f"{ids[0]:02d}:{ids[1]:02d}")
            text, markup = t.render_settings(current, saved=True), settings_keyboard()
        elif action == "zone" and not ids:
            current = await service.expect_typed(uow, me, "zone", now=data.now())
            text, markup = t.ask_zone(current.timezone), zone_keyboard()
        elif action == "setzone" and len(ids) == 1 and 0 <= ids[0] < len(ZONE_CHOICES):
            current = await service.set_timezone(uow, me, ZONE_CHOICES[ids[0]])
            text, markup = t.render_settings(current, saved=True), settings_keyboard()
        else:
            # A forged or outdated payload: show what is true now, change nothing.
            current = await service.coordinator_settings(uow, me)
            text, markup = t.render_settings(current), settings_keyboard()
            answer = texts.BUTTON_GONE
    # Always answer a callback query, or the button keeps spinning on the phone.
    await query.answer(answer)
    await _edit(query, text, markup)


@text_step(service.SETTINGS_FLOW)
@answers_errors
async def typed_setting(update: Update, context: Context, conversation: Conversation) -> None:
    """Take a typed digest time or time zone; a bad one is explained and the step stays."""
    assert update.effective_user and update.message and update.message.text
    me, typed = update.effective_user.id, update.message.text
    async with context.bot_data.uow() as uow:
        if conversation.step == "time":
            current = await service.set_digest_time(uow, me, typed)
        else:
            current = await service.set_timezone(uow, me, typed)
    await update.message.reply_text(
        t.render_settings(current, saved=True), reply_markup=settings_keyboard()
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    # /team: the peer workers, their caseloads and this week's sessions.
    app.add_handler(CommandHandler("team", show_team))
    # /digest: the last seven days, now, with its chart and CSV file.
    app.add_handler(CommandHandler("digest", send_digest))
    # The coordinator's settings buttons (/settings itself is dispatched by role).
    app.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{FEATURE}:"))
