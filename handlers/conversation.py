"""Typed answers inside a multi-step flow, routed by the flow stored in the database.

A flow (guided /schedule, a rearrangement, /log, …) keeps its step in the `conversations`
table, so a restart or another replica goes on where the person was. Which handler takes
typed text at each (flow, step) is the table in `handlers/__init__.py`; expiry is decided
by `bot.services.flows` alone. Any command ends a half-finished flow.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from telegram import Update

from bot import texts
from bot.i18n import _
from bot.services import conversations, flows, onboarding
from bot.services.errors import NotJoined
from bot.services.flows import Flow, Where
from handlers import typed
from handlers.common import Context, Handler, answers_errors
from handlers.fallback import not_understood

log = logging.getLogger(__name__)

TextStep = Callable[[Update, Context, Where], Coroutine[Any, Any, None]]
TextSteps = Mapping[tuple[Flow, str], TextStep]


def route_typed_text(steps: TextSteps) -> Handler:
    """The handler for typed text: the step's handler in `steps`, else the fallback."""

    async def take_typed_answer(update: Update, context: Context) -> None:
        """Hand typed text to the step of the flow the person is at, if any."""
        assert update.effective_user
        data = context.bot_data
        async with data.uow() as uow:
            me = await onboarding.whoami(uow, update.effective_user.id)
            where = await flows.where(uow, me.person_id, now=data.now()) if me else None
        step = steps.get((where.flow, where.step)) if where is not None else None
        if step is None or where is None:
            # Typing works wherever a button does: the newest keyboard's buttons, else /help.
            if not await typed.press_typed_choice(update, context):
                await not_understood(update, context)
            return
        if await typed.press_typed_choice(update, context, exact=True):
            return  # a button's label, typed as it stands: that button, not the step's text
        log.info("update %s: flow %s step %s", update.update_id, where.flow, where.step)
        await step(update, context, where)

    return take_typed_answer


async def _stop(context: Context, telegram_id: int) -> bool:
    """Stop the person's flows; a stopped flow's buttons are not typed answers any more."""
    async with context.bot_data.uow() as uow:
        stopped = await conversations.stop_all(uow, telegram_id)
        if stopped:
            await uow.keyboards.forget(telegram_id)  # a private chat's id is its person's
            await uow.commit()
    return stopped


async def end_flow(update: Update, context: Context) -> None:
    """End the person's half-finished flow on any command, so later text is not its answer."""
    assert update.effective_user
    if context.caller is not None and not context.caller.in_flow:
        return  # read with the language: no flow to end, no unit of work for it
    try:
        stopped = await _stop(context, update.effective_user.id)
    except NotJoined:
        return
    if stopped:
        log.info("update %s: a command ended a flow", update.update_id)


@answers_errors
async def cancel(update: Update, context: Context) -> None:
    """Leave the current flow, whatever it is, so typed text means nothing special again."""
    assert update.effective_user and update.message
    stopped = await _stop(context, update.effective_user.id)
    await update.message.reply_text(_(texts.FLOW_STOPPED) if stopped else _(texts.NO_FLOW))
