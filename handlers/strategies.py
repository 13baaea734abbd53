"""The peer's strategy log (/log) and the peer worker's pre-session summary (/summary).

Every step of /log is kept in the database (flow "log"), so a restart or another replica
goes on where the peer was. The peer's own list (/strategies) lives in strategies_list.
"""

from __future__ import annotations

import logging

from telegram import Update

from bot import callbacks as cb
from bot import keyboards
from bot.services import flows, onboarding
from bot.services import strategies as service
from bot.services import summary as summaries
from bot.services.errors import BadInput
from bot.services.flows import LogStep, Where
from bot.texts import strategies as t
from bot.texts import summary as ts
from handlers.common import Context, answers_errors, drop_buttons, edit, markup, pressed

log = logging.getLogger(__name__)


def _start_text(start: service.LogStart) -> str:
    return t.LOG_PICK if start.strategies else t.LOG_FIRST


def _note_text(context: Context, step: service.Step) -> str:
    assert step.outcome
    return t.note_prompt(step.name, step.outcome, context.bot_data.settings.crisis_contacts)


@answers_errors
async def start_log(update: Update, context: Context) -> None:
    """Start logging: pick one of the peer's own strategies or type a new one."""
    assert update.effective_user and update.effective_message
    data = context.bot_data
    async with data.uow() as uow:
        start = await service.start_log(uow, update.effective_user.id, now=data.now())
    await update.effective_message.reply_text(
        _start_text(start), reply_markup=markup(keyboards.log_pick(start))
    )


@answers_errors
async def pick_logged_strategy(update: Update, context: Context) -> None:
    """Take the strategy the peer tried; ask how it went."""
    query, (nonce, strategy_id) = update.callback_query, pressed(update, cb.LOG_PICK, "log_stale")
    assert query
    data = context.bot_data
    async with data.uow() as uow:
        step = await service.pick_strategy(
            uow, query.from_user.id, nonce, strategy_id, now=data.now()
        )
    await edit(
        query, t.how_did_it_go(step.name), keyboards.log_outcome(step.nonce, service.OUTCOMES)
    )
    await query.answer()


@answers_errors
async def choose_how_it_went(update: Update, context: Context) -> None:
    """Take how the strategy went; ask for a note."""
    query, (nonce, i) = update.callback_query, pressed(update, cb.LOG_OUTCOME, "log_stale")
    assert query
    if i >= len(service.OUTCOMES):
        raise BadInput("log_stale")
    data = context.bot_data
    async with data.uow() as uow:
        step = await service.choose_outcome(
            uow, query.from_user.id, nonce, service.OUTCOMES[i], now=data.now()
        )
    await edit(query, _note_text(context, step), keyboards.log_skip(step.nonce))
    await query.answer()


@answers_errors
async def skip_log_note(update: Update, context: Context) -> None:
    """Save the entry without a note."""
    query, (nonce,) = update.callback_query, pressed(update, cb.LOG_SKIP, "log_stale")
    assert query
    data = context.bot_data
    async with data.uow() as uow:
        logged = await service.finish_log(uow, query.from_user.id, nonce, None, now=data.now())
    await edit(query, t.logged(logged.name, logged.outcome, None), keyboards.log_after())
    await query.answer()


@answers_errors
async def log_another(update: Update, context: Context) -> None:
    """Start logging another strategy."""
    query, chat = update.callback_query, update.effective_chat
    assert query and chat
    data = context.bot_data
    async with data.uow() as uow:
        start = await service.start_log(uow, query.from_user.id, now=data.now())
    await drop_buttons(query)
    await chat.send_message(_start_text(start), reply_markup=markup(keyboards.log_pick(start)))
    await query.answer()


async def finish_logging(update: Update, context: Context) -> None:
    """Tidy the buttons away: the entry is saved and the flow already over."""
    assert update.callback_query
    await drop_buttons(update.callback_query)
    await update.callback_query.answer(t.LOG_DONE)


@answers_errors
async def refuse_stale_log_button(update: Update, context: Context) -> None:
    """Answer a /log button that is old, malformed or forged."""
    raise BadInput("log_stale")


@answers_errors
async def type_new_strategy(update: Update, context: Context, where: Where) -> None:
    """Take a strategy the peer typed inside /log; ask how it went."""
    assert update.effective_user and update.message
    data = context.bot_data
    async with data.uow() as uow:
        step = await service.type_strategy(
            uow, update.effective_user.id, update.message.text or "", now=data.now()
        )
    keys = keyboards.log_outcome(step.nonce, service.OUTCOMES)
    await update.message.reply_text(t.how_did_it_go(step.name), reply_markup=markup(keys))


@answers_errors
async def type_how_it_went(update: Update, context: Context, where: Where) -> None:
    """Take how it went, typed; ask again, with the buttons, if it cannot be read."""
    assert update.effective_user and update.message
    data, outcome = context.bot_data, t.outcome_from_text(update.message.text or "")
    if outcome is None:
        return await _ask_how_it_went_again(update, context)
    async with data.uow() as uow:
        step = await service.choose_outcome(
            uow, update.effective_user.id, None, outcome, now=data.now()
        )
    await update.message.reply_text(
        _note_text(context, step), reply_markup=markup(keyboards.log_skip(step.nonce))
    )


async def _ask_how_it_went_again(update: Update, context: Context) -> None:
    assert update.effective_user and update.message
    data, nonce = context.bot_data, 0
    async with data.uow() as uow:
        me = await onboarding.whoami(uow, update.effective_user.id)
        if me is not None:
            at = await flows.at(uow, me.person_id, flows.LOG, LogStep.OUTCOME, now=data.now())
            nonce = at.data.n if at is not None else 0
    keys = keyboards.log_outcome(nonce, service.OUTCOMES)
    await update.message.reply_text(t.OUTCOME_AGAIN, reply_markup=markup(keys))


@answers_errors
async def type_log_note(update: Update, context: Context, where: Where) -> None:
    """Save the entry with the note typed (typing "skip" is the Skip button, SPEC §1.6)."""
    assert update.effective_user and update.message
    raw, data = update.message.text or "", context.bot_data
    async with data.uow() as uow:
        logged = await service.finish_log(
            uow, update.effective_user.id, None, None if t.is_skip(raw) else raw, now=data.now()
        )
    text = t.logged(logged.name, logged.outcome, logged.note)
    await update.message.reply_text(text, reply_markup=markup(keyboards.log_after()))


@answers_errors
async def summary(update: Update, context: Context) -> None:
    """Show a peer worker the summary of a peer's next session, or the peers to pick from."""
    assert update.effective_user and update.effective_message
    data, name = context.bot_data, " ".join(context.args or [])
    async with data.uow() as uow:
        if name:
            found = await summaries.summary_for_peer(
                uow, update.effective_user.id, name, now=data.now()
            )
        else:
            peers = await summaries.my_peers(uow, update.effective_user.id)
    if name:
        await update.effective_message.reply_text(ts.render_summary(found))
        return
    keys = keyboards.summary_peers((p.name, p.programme_id) for p in peers)
    text = ts.CHOOSE_PEER if keys else ts.NO_PEERS
    await update.effective_message.reply_text(text, reply_markup=markup(keys))


@answers_errors
async def show_summary_of_peer(update: Update, context: Context) -> None:
    """Show the summary for the peer picked under /summary (re-checked: the worker's own)."""
    query = update.callback_query
    assert query is not None
    parsed = pressed(update, cb.STR_SUMMARY, "summary_peer_gone")
    data = context.bot_data
    async with data.uow() as uow:
        found = await summaries.summary_for_programme(
            uow, query.from_user.id, parsed[0], now=data.now()
        )
    await edit(query, ts.render_summary(found), None)
    await query.answer()


@answers_errors
async def refuse_stale_summary_button(update: Update, context: Context) -> None:
    """Answer a /summary peer button that is malformed or forged."""
    raise BadInput("summary_peer_gone")
