"""Typed answers inside a multi-step flow, routed by the flow stored in the database.

A flow (guided /schedule, a rearrangement, /log, …) keeps its step in the `conversations`
table, so a restart or another replica goes on where the person was. Each feature names
its flow and registers the function that takes the person's next typed message.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Update
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot import texts
from bot.services import conversations, onboarding
from handlers.common import Context, answers_errors
from handlers.fallback import not_understood
from storage.models import Conversation

log = logging.getLogger(__name__)

# A flow left alone this long is over: a typed message then starts afresh.
FLOW_LIFETIME = timedelta(hours=24)

TextStep = Callable[[Update, Context, Conversation], Awaitable[None]]
_FLOWS: dict[str, TextStep] = {}


def text_step(flow: str) -> Callable[[TextStep], TextStep]:
    """Register the function that takes typed text while a person is in `flow`."""

    def register(step: TextStep) -> TextStep:
        if flow in _FLOWS and _FLOWS[flow] is not step:
            raise RuntimeError(f"flow {flow!r} registered twice")
        _FLOWS[flow] = step
        return step

    return register


async def route_text(update: Update, context: Context) -> None:
    """Hand typed text to the person's current flow; otherwise the fallback answers."""
    assert update.effective_user
    data = context.bot_data
    async with data.uow() as uow:
        me = await onboarding.whoami(uow, update.effective_user.id)
        conversation = await uow.conversations.get(me.person_id) if me else None
    fresh = conversation is not None and conversation.updated_at > data.now() - FLOW_LIFETIME
    step = _FLOWS.get(conversation.flow) if conversation is not None and fresh else None
    if step is None or conversation is None:
        await not_understood(update, context)
        return
    log.info("update %s: flow %s step %s", update.update_id, conversation.flow, conversation.step)
    await step(update, context, conversation)


@answers_errors
async def cancel(update: Update, context: Context) -> None:
    """Leave the current flow, whatever it is, so typed text means nothing special again."""
    assert update.effective_user and update.message
    async with context.bot_data.uow() as uow:
        stopped = await conversations.stop_all(uow, update.effective_user.id)
    await update.message.reply_text(texts.FLOW_STOPPED if stopped else texts.NO_FLOW)


def register(app: Application) -> None:  # type: ignore[type-arg]
    # /cancel: leave a half-finished flow (guided /schedule, /log, a rearrangement, …).
    app.add_handler(CommandHandler("cancel", cancel))
    # Typed text (not commands) goes to the flow the person is in, if any.
    app.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, route_text)
    )
