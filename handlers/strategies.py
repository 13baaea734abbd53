"""The peer's strategy log (/log) and the peer worker's pre-session summary (/summary).

Every step of /log is kept in the database (flow "log"), so a restart or another replica
goes on where the peer was. The peer's own list (/strategies) lives in strategies_list.
"""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import Update

from bot import callbacks as cb, keyboards
from bot.i18n import _
from bot.services import flows, onboarding, strategies as service, summary as summaries
from bot.services.errors import BadInput
from bot.services.flows import LogStep, Where
from bot.services.names import SeveralPeers
from bot.texts import strategies as t, summary as ts
from handlers.common import (
    Context,
    answers_errors,
    call,
    drop_buttons,
    error_text,
    markup,
    press,
    reply,
    show,
    typed_by,
)
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


def _start_text(start: service.LogStart) -> str:
    return _(t.LOG_PICK) if start.strategies else _(t.LOG_FIRST)


def _note_text(context: Context, step: service.Step) -> str:
    assert step.outcome
    return t.note_prompt(step.name, step.outcome, context.bot_data.settings.contacts())


@answers_errors
async def start_log(update: Update, context: Context) -> None:
    """Start logging: pick one of the peer's own strategies or type a new one."""
    assert update.effective_user
    start = await call(context, service.start_log, update.effective_user.id)
    await reply(update, _start_text(start), keyboards.log_pick(start))


@answers_errors
async def pick_logged_strategy(update: Update, context: Context) -> None:
    """Take the strategy the peer tried; ask how it went."""
    query, (nonce, strategy_id) = press(update, cb.LOG_PICK, "log_stale")
    step = await call(context, service.pick_strategy, query.from_user.id, nonce, strategy_id)
    keys = keyboards.log_outcome(step.nonce, service.OUTCOMES)
    await show(query, t.how_did_it_go(step.name), keys)


@answers_errors
async def choose_how_it_went(update: Update, context: Context) -> None:
    """Take how the strategy went; ask for a note."""
    query, (nonce, i) = press(update, cb.LOG_OUTCOME, "log_stale")
    if i >= len(service.OUTCOMES):
        raise BadInput("log_stale")
    outcome = service.OUTCOMES[i]
    step = await call(context, service.choose_outcome, query.from_user.id, nonce, outcome)
    await show(query, _note_text(context, step), keyboards.log_skip(step.nonce))


@answers_errors
async def skip_log_note(update: Update, context: Context) -> None:
    """Save the entry without a note."""
    query, (nonce,) = press(update, cb.LOG_SKIP, "log_stale")
    logged = await call(context, service.finish_log, query.from_user.id, nonce, None)
    await show(query, t.logged(logged.name, logged.outcome, None), keyboards.log_after())


@answers_errors
async def log_another(update: Update, context: Context) -> None:
    """Start logging another strategy."""
    query, chat = update.callback_query, update.effective_chat
    assert query and chat
    start = await call(context, service.start_log, query.from_user.id)
    await drop_buttons(query)
    await chat.send_message(_start_text(start), reply_markup=markup(keyboards.log_pick(start)))
    await query.answer()


async def finish_logging(update: Update, context: Context) -> None:
    """Tidy the buttons away: the entry is saved and the flow already over."""
    assert update.callback_query
    await drop_buttons(update.callback_query)
    await update.callback_query.answer(_(t.LOG_DONE))


@answers_errors
async def refuse_stale_log_button(update: Update, context: Context) -> None:
    """Answer a /log button that is old, malformed or forged."""
    raise BadInput("log_stale")


@answers_errors
async def type_new_strategy(update: Update, context: Context, where: Where) -> None:
    """Take a strategy the peer typed inside /log; ask how it went."""
    step = await call(context, service.type_strategy, *typed_by(update))
    await reply(
        update, t.how_did_it_go(step.name), keyboards.log_outcome(step.nonce, service.OUTCOMES)
    )


@answers_errors
async def type_how_it_went(update: Update, context: Context, where: Where) -> None:
    """Take how it went, typed; ask again, with the buttons, if it cannot be read."""
    uid, typed = typed_by(update)
    outcome = t.outcome_from_text(typed)
    if outcome is None:
        nonce = await call(context, _outcome_nonce, uid)
        return await reply(
            update, _(t.OUTCOME_AGAIN), keyboards.log_outcome(nonce, service.OUTCOMES)
        )
    step = await call(context, service.choose_outcome, uid, None, outcome)
    await reply(update, _note_text(context, step), keyboards.log_skip(step.nonce))


async def _outcome_nonce(uow: UnitOfWork, telegram_id: int, *, now: datetime) -> int:
    """The nonce of the /log step that asks how it went (0 when the peer is not at it)."""
    me = await onboarding.whoami(uow, telegram_id)
    if me is None:
        return 0
    at = await flows.at(uow, me.person_id, flows.LOG, LogStep.OUTCOME, now=now)
    return at.data.n if at is not None else 0


@answers_errors
async def type_log_note(update: Update, context: Context, where: Where) -> None:
    """Save the entry with the note typed (typing "skip" is the Skip button, SPEC §1.6)."""
    uid, raw = typed_by(update)
    note = None if t.is_skip(raw) else raw
    logged = await call(context, service.finish_log, uid, None, note)
    await reply(update, t.logged(logged.name, logged.outcome, logged.note), keyboards.log_after())


@answers_errors
async def summary(update: Update, context: Context) -> None:
    """Show a peer worker the summary of a peer's next session, or the peers to pick from."""
    assert update.effective_user
    uid, name = update.effective_user.id, " ".join(context.args or [])
    if name:
        try:
            found = await call(context, summaries.summary_for_peer, uid, name)
        except SeveralPeers as several:  # which one? A button each
            keys = keyboards.summary_peers((p.name, p.programme_id) for p in several.choices)
            return await reply(update, error_text(several, context.bot_data), keys)
        return await reply(update, ts.render_summary(found))
    peers = await call(context, summaries.my_peers, uid, timed=False)
    keys = keyboards.summary_peers((p.name, p.programme_id) for p in peers)
    await reply(update, _(ts.CHOOSE_PEER) if keys else _(ts.NO_PEERS), keys)


@answers_errors
async def show_summary_of_peer(update: Update, context: Context) -> None:
    """Show the summary for the peer picked under /summary (re-checked: the worker's own)."""
    query, (programme_id,) = press(update, cb.STR_SUMMARY, "summary_peer_gone")
    found = await call(context, summaries.summary_for_programme, query.from_user.id, programme_id)
    await show(query, ts.render_summary(found))


@answers_errors
async def refuse_stale_summary_button(update: Update, context: Context) -> None:
    """Answer a /summary peer button that is malformed or forged."""
    raise BadInput("summary_peer_gone")
