"""Sessions: the peer's /next, /sessions and answers; the worker's /diary, /peers, /outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Update

from bot import callbacks as cb, keyboards
from bot.i18n import _
from bot.services import sessions
from bot.services.errors import Stale
from bot.services.flows import Where
from bot.texts import sessions as t
from handlers.common import (
    Context,
    answers_errors,
    call,
    edit,
    markup,
    notify,
    press,
    reply,
    settle,
    show,
    typed_by,
)


async def _in_own_zone(uow: Any, telegram_id: int, view: Any, *, now: datetime) -> Any:
    """A person's view (a service over the unit of work) and their own time zone, if known."""
    found = await view(uow, telegram_id, now=now)
    me = await uow.people.by_telegram_id(telegram_id)
    return found, me.timezone if me else None


@answers_errors
async def next_session(update: Update, context: Context) -> None:
    """Show the peer's next session with the three answers."""
    assert update.effective_user
    view = await call(context, sessions.next_session, update.effective_user.id, autocommit=True)
    if view is None:
        return await reply(update, _(t.NO_NEXT))
    await reply(update, t.peer_card(view), keyboards.session(view.id, view.version))


@answers_errors
async def list_sessions(update: Update, context: Context) -> None:
    """List the peer's upcoming and past sessions with their states."""
    assert update.effective_user
    uid = update.effective_user.id
    (upcoming, past), zone = await call(context, _in_own_zone, uid, sessions.peer_sessions)
    await reply(update, t.sessions_list(upcoming, past, zone or context.bot_data.settings.timezone))


@answers_errors
async def confirm_session(update: Update, context: Context) -> None:
    """Confirm the peer will be at the session."""
    query, (session_id, version) = press(update, cb.SES_CONFIRM)
    result = await call(context, sessions.confirm, query.from_user.id, session_id, version)
    await query.answer(_(t.ALREADY_CONFIRMED) if result.already else _(t.CONFIRMED))
    if not result.already:
        await edit(query, t.peer_card(result.view), keyboards.session(session_id, version))


@answers_errors
async def ask_to_cancel_session(update: Update, context: Context) -> None:
    """Ask the peer whether they really cannot make it, before cancelling."""
    query, (session_id, version) = press(update, cb.SES_ASK_CANCEL)
    uid = query.from_user.id
    view = await call(context, sessions.check_cancellable, uid, session_id, version)
    await query.answer()
    keys = markup(keyboards.cancel_sure(session_id, version))
    await context.bot.send_message(uid, t.cancel_sure(view), reply_markup=keys)


@answers_errors
async def cancel_session(update: Update, context: Context) -> None:
    """Cancel the session the peer cannot make, and tell their peer worker."""
    query, (session_id, version) = press(update, cb.SES_CANCEL)
    view = await call(context, sessions.cancel, query.from_user.id, session_id, version)
    await show(query, _(t.CANCELLED_PEER))
    await notify(context, view.worker_telegram_id, t.cancelled_for_worker(view))


@answers_errors
async def keep_session(update: Update, context: Context) -> None:
    """Keep the session after all (the peer said No to cancelling)."""
    query, _ids = press(update, cb.SES_KEEP)
    await show(query, _(t.CANCEL_KEPT))


@answers_errors
async def refuse_stale_session_button(update: Update, context: Context) -> None:
    """Answer a session, /schedule or rearranging button that is malformed or forged."""
    raise Stale()


@answers_errors
async def show_diary(update: Update, context: Context) -> None:
    """Show the worker's next 14 days, each session with its state."""
    assert update.effective_user
    await reply(update, t.diary(await call(context, sessions.diary, update.effective_user.id)))


@answers_errors
async def show_peers(update: Update, context: Context) -> None:
    """List the worker's peers: sessions held, next session, last contact."""
    assert update.effective_user
    uid = update.effective_user.id
    lines, zone = await call(context, _in_own_zone, uid, sessions.worker_peers)
    await reply(update, t.peers(lines, zone or context.bot_data.settings.timezone))


@answers_errors
async def ask_outcomes(update: Update, context: Context) -> None:
    """Ask about each past session that has no outcome yet."""
    assert update.effective_user
    views = await call(context, sessions.awaiting_outcome, update.effective_user.id)
    if not views:
        await reply(update, _(t.NO_OUTCOMES))
    for view in views:
        await reply(update, t.outcome_question(view), keyboards.outcome(view.id))


OUTCOME_BUTTONS = (
    (cb.OUT_HELD, "held"),
    (cb.OUT_MISSED, "missed"),
    (cb.OUT_CANCELLED, "cancelled"),
)


@answers_errors
async def record_outcome(update: Update, context: Context) -> None:
    """Mark a session held, missed or cancelled; then offer a note for next time."""
    query = update.callback_query
    assert query
    found = [(ids[0], s) for b, s in OUTCOME_BUTTONS if (ids := b.parse(query.data))]
    if not found:
        raise Stale()
    [(session_id, state)] = found
    done = await call(context, sessions.record_outcome, query.from_user.id, session_id, state)
    cancelled = state == "cancelled"
    text = t.outcome_recorded(done.view) + ("\n" + _(t.CANCELLED_NOT_COUNTED) if cancelled else "")
    await show(query, text, keyboards.after_outcome(session_id, cancelled))
    if done.completed:
        await context.bot.send_message(query.from_user.id, t.completed_for_worker(done.view))
        await notify(context, done.view.peer_telegram_id, t.completed_for_peer(done.view))


@answers_errors
async def skip_outcome_note(update: Update, context: Context) -> None:
    """Leave no note for next time."""
    query, (session_id,) = press(update, cb.OUT_SKIP_NOTE)
    await call(context, sessions.skip_note, query.from_user.id, session_id, timed=False)
    await settle(query, _(t.NOTE_SKIPPED))


@answers_errors
async def count_cancelled_session(update: Update, context: Context) -> None:
    """Count a cancelled session against the programme, as the worker says."""
    query, (session_id,) = press(update, cb.OUT_COUNT)
    await call(context, sessions.count_against, query.from_user.id, session_id, timed=False)
    await settle(query, _(t.COUNTED))


@answers_errors
async def take_outcome_note(update: Update, context: Context, where: Where) -> None:
    """Keep the worker's typed note for next time (a typed Skip skips it)."""
    uid, text = typed_by(update)
    if t.is_skip(text):
        await call(context, sessions.skip_typed_note, uid)
        return await reply(update, _(t.NOTE_SKIPPED))
    await call(context, sessions.note_outcome, uid, text)
    await reply(update, _(t.NOTE_SAVED))
