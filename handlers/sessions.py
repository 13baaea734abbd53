"""Sessions: the peer's /next, /sessions and answers; the worker's /diary, /peers, /outcome."""

from __future__ import annotations

from telegram import Update

from bot import callbacks as cb
from bot import keyboards
from bot.services import sessions
from bot.services.errors import Stale
from bot.services.flows import Where
from bot.texts import sessions as t
from handlers.common import Context, answers_errors, drop_buttons, edit, markup, notify, pressed


@answers_errors
async def next_session(update: Update, context: Context) -> None:
    """Show the peer's next session with the three answers."""
    assert update.effective_user and update.message
    data = context.bot_data
    async with data.uow() as uow:
        view = await sessions.next_session(uow, update.effective_user.id, data.now())
    if view is None:
        await update.message.reply_text(t.NO_NEXT)
        return
    await update.message.reply_text(
        t.peer_card(view), reply_markup=markup(keyboards.session(view.id, view.version))
    )


@answers_errors
async def list_sessions(update: Update, context: Context) -> None:
    """List the peer's upcoming and past sessions with their states."""
    assert update.effective_user and update.message
    data = context.bot_data
    async with data.uow() as uow:
        upcoming, past = await sessions.peer_sessions(uow, update.effective_user.id, data.now())
        me = await uow.people.by_telegram_id(update.effective_user.id)
    zone = me.timezone if me else data.settings.timezone
    await update.message.reply_text(t.sessions_list(upcoming, past, zone))  # type: ignore[arg-type]


@answers_errors
async def confirm_session(update: Update, context: Context) -> None:
    """Confirm the peer will be at the session."""
    query, (session_id, version) = update.callback_query, pressed(update, cb.SES_CONFIRM)
    assert query
    data = context.bot_data
    async with data.uow() as uow:
        result = await sessions.confirm(
            uow, query.from_user.id, session_id, version, now=data.now()
        )
    await query.answer(t.ALREADY_CONFIRMED if result.already else t.CONFIRMED)
    if not result.already:
        await edit(query, t.peer_card(result.view), keyboards.session(session_id, version))


@answers_errors
async def ask_to_cancel_session(update: Update, context: Context) -> None:
    """Ask the peer whether they really cannot make it, before cancelling."""
    query, (session_id, version) = update.callback_query, pressed(update, cb.SES_ASK_CANCEL)
    assert query
    data = context.bot_data
    async with data.uow() as uow:
        await sessions.check_cancellable(
            uow, query.from_user.id, session_id, version, now=data.now()
        )
    await query.answer()
    await context.bot.send_message(
        query.from_user.id,
        t.CANCEL_SURE,
        reply_markup=markup(keyboards.cancel_sure(session_id, version)),
    )


@answers_errors
async def cancel_session(update: Update, context: Context) -> None:
    """Cancel the session the peer cannot make, and tell their peer worker."""
    query, (session_id, version) = update.callback_query, pressed(update, cb.SES_CANCEL)
    assert query
    data = context.bot_data
    async with data.uow() as uow:
        view = await sessions.cancel(uow, query.from_user.id, session_id, version, now=data.now())
    await query.answer()
    await edit(query, t.CANCELLED_PEER)
    await notify(context, view.worker_telegram_id, t.cancelled_for_worker(view))


@answers_errors
async def keep_session(update: Update, context: Context) -> None:
    """Keep the session after all (the peer said No to cancelling)."""
    assert update.callback_query
    pressed(update, cb.SES_KEEP)
    await update.callback_query.answer()
    await edit(update.callback_query, t.CANCEL_KEPT)


@answers_errors
async def refuse_stale_session_button(update: Update, context: Context) -> None:
    """Answer a session button that is malformed or forged: this has changed."""
    raise Stale()


@answers_errors
async def show_diary(update: Update, context: Context) -> None:
    """Show the worker's next 14 days, each session with its state."""
    assert update.effective_user and update.message
    data = context.bot_data
    async with data.uow() as uow:
        views = await sessions.diary(uow, update.effective_user.id, now=data.now())
    await update.message.reply_text(t.diary(views))


@answers_errors
async def show_peers(update: Update, context: Context) -> None:
    """List the worker's peers: sessions held, next session, last contact."""
    assert update.effective_user and update.message
    data = context.bot_data
    async with data.uow() as uow:
        lines = await sessions.worker_peers(uow, update.effective_user.id, now=data.now())
        me = await uow.people.by_telegram_id(update.effective_user.id)
    await update.message.reply_text(t.peers(lines, me.timezone if me else data.settings.timezone))  # type: ignore[arg-type]


@answers_errors
async def ask_outcomes(update: Update, context: Context) -> None:
    """Ask about each past session that has no outcome yet."""
    assert update.effective_user and update.message
    data = context.bot_data
    async with data.uow() as uow:
        views = await sessions.awaiting_outcome(uow, update.effective_user.id, now=data.now())
    if not views:
        await update.message.reply_text(t.NO_OUTCOMES)
    for view in views:
        await update.message.reply_text(
            t.outcome_question(view), reply_markup=markup(keyboards.outcome(view.id))
        )


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
    async with context.bot_data.uow() as uow:
        done = await sessions.record_outcome(
            uow, query.from_user.id, session_id, state, now=context.bot_data.now()
        )
    cancelled = state == "cancelled"
    text = t.outcome_recorded(done.view) + ("\n" + t.CANCELLED_NOT_COUNTED if cancelled else "")
    await query.answer()
    await edit(query, text, keyboards.after_outcome(session_id, cancelled))
    if done.completed:
        await context.bot.send_message(query.from_user.id, t.completed_for_worker(done.view))
        await notify(context, done.view.peer_telegram_id, t.completed_for_peer(done.view))


@answers_errors
async def skip_outcome_note(update: Update, context: Context) -> None:
    """Leave no note for next time."""
    query, parsed = update.callback_query, pressed(update, cb.OUT_SKIP_NOTE)
    assert query
    async with context.bot_data.uow() as uow:
        await sessions.skip_note(uow, query.from_user.id, parsed[0])
    await query.answer(t.NOTE_SKIPPED)
    await drop_buttons(query)


@answers_errors
async def count_cancelled_session(update: Update, context: Context) -> None:
    """Count a cancelled session against the programme, as the worker says."""
    query, parsed = update.callback_query, pressed(update, cb.OUT_COUNT)
    assert query
    async with context.bot_data.uow() as uow:
        await sessions.count_against(uow, query.from_user.id, parsed[0])
    await query.answer(t.COUNTED)
    await drop_buttons(query)


@answers_errors
async def take_outcome_note(update: Update, context: Context, where: Where) -> None:
    """Keep the worker's typed note for next time."""
    assert update.effective_user and update.message and update.message.text
    data = context.bot_data
    async with data.uow() as uow:
        await sessions.note_outcome(
            uow, update.effective_user.id, update.message.text, now=data.now()
        )
    await update.message.reply_text(t.NOTE_SAVED)
