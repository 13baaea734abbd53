"""Sessions: the peer's /next, /sessions and answers; the worker's /diary, /peers, /outcome."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.services import sessions
from bot.services.errors import Stale
from bot.texts import sessions as t
from handlers import rearrange, schedule
from handlers.common import Context, answers_errors, button, notify, parse_button
from handlers.conversation import text_step
from handlers.privacy import calendar_button
from storage.models import Conversation


def session_keyboard(session_id: int, version: int) -> InlineKeyboardMarkup:
    """The peer's three answers to a session (the version makes buttons of an old time
    stale), and the session for their own calendar."""
    ids = (session_id, version)
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t.BUTTON_CONFIRM, callback_data=button("ses", "ok", *ids))],
            [
                InlineKeyboardButton(t.BUTTON_REARRANGE, callback_data=button("ses", "re", *ids)),
                InlineKeyboardButton(t.BUTTON_CANCEL, callback_data=button("ses", "no", *ids)),
            ],
            [calendar_button()],
        ]
    )


def outcome_keyboard(session_id: int) -> InlineKeyboardMarkup:
    """The peer worker's three outcomes for a session that has ended."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(label, callback_data=button("out", state, session_id))
                for label, state in (
                    (t.BUTTON_HELD, "held"),
                    (t.BUTTON_MISSED, "missed"),
                    (t.BUTTON_CANCELLED, "cancelled"),
                )
            ]
        ]
    )


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
        t.peer_card(view), reply_markup=session_keyboard(view.id, view.version)
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
async def answer_session(update: Update, context: Context) -> None:
    """Act on a peer's button: confirm, rearrange, or ask before cancelling."""
    query = update.callback_query
    assert query and query.message
    parsed = parse_button(query.data, "ses")
    if parsed is None or len(parsed[1]) != 2:
        raise Stale()
    action, (session_id, version) = parsed
    data = context.bot_data
    if action == "re":
        await rearrange.offer(update, context, session_id, version)
        return
    async with data.uow() as uow:
        if action == "ok":
            result = await sessions.confirm(
                uow, query.from_user.id, session_id, version, now=data.now()
            )
            await query.answer(t.ALREADY_CONFIRMED if result.already else t.CONFIRMED)
            if not result.already:
                await query.edit_message_text(
                    t.peer_card(result.view), reply_markup=session_keyboard(session_id, version)
                )
            return
        if action == "no":
            await sessions.check_cancellable(
                uow, query.from_user.id, session_id, version, now=data.now()
            )
            await query.answer()
            keyboard = InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            t.BUTTON_YES_CANCEL, callback_data=button("ses", "yes", *parsed[1])
                        ),
                        InlineKeyboardButton(
                            t.BUTTON_KEEP, callback_data=button("ses", "keep", *parsed[1])
                        ),
                    ]
                ]
            )
            await context.bot.send_message(query.from_user.id, t.CANCEL_SURE, reply_markup=keyboard)
            return
        if action == "keep":
            await query.answer()
            await query.edit_message_text(t.CANCEL_KEPT)
            return
        if action != "yes":
            raise Stale()
        view = await sessions.cancel(uow, query.from_user.id, session_id, version, now=data.now())
    await query.answer()
    await query.edit_message_text(t.CANCELLED_PEER)
    await notify(context, view.worker_telegram_id, t.cancelled_for_worker(view))


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
            t.outcome_question(view), reply_markup=outcome_keyboard(view.id)
        )


@answers_errors
async def record_outcome(update: Update, context: Context) -> None:
    """Mark a session held, missed or cancelled; then offer a note for next time."""
    query = update.callback_query
    assert query
    parsed = parse_button(query.data, "out")
    if parsed is None or len(parsed[1]) != 1:
        raise Stale()
    action, (session_id,) = parsed
    data = context.bot_data
    if action in ("skip", "count"):
        await _after_outcome(update, context, action, session_id)
        return
    async with data.uow() as uow:
        done = await sessions.record_outcome(
            uow, query.from_user.id, session_id, action, now=data.now()
        )
    rows = [[InlineKeyboardButton(t.BUTTON_SKIP, callback_data=button("out", "skip", session_id))]]
    text = t.outcome_recorded(done.view)
    if action == "cancelled":
        rows.append(
            [
                InlineKeyboardButton(
                    t.BUTTON_COUNT_IT, callback_data=button("out", "count", session_id)
                )
            ]
        )
        text += "\n" + t.CANCELLED_NOT_COUNTED
    await query.answer()
    await query.edit_message_text(text, reply_markup=InlineKeyboardMarkup(rows))
    if done.completed:
        await context.bot.send_message(query.from_user.id, t.completed_for_worker(done.view))
        await notify(context, done.view.peer_telegram_id, t.completed_for_peer(done.view))


async def _after_outcome(update: Update, context: Context, action: str, session_id: int) -> None:
    query = update.callback_query
    assert query
    data = context.bot_data
    async with data.uow() as uow:
        if action == "count":
            await sessions.count_against(uow, query.from_user.id, session_id)
        else:
            await sessions.skip_note(uow, query.from_user.id, session_id)
    await query.answer(t.COUNTED if action == "count" else t.NOTE_SKIPPED)
    await query.edit_message_reply_markup(None)


@text_step(sessions.NOTE_FLOW)
@answers_errors
async def outcome_note(update: Update, context: Context, conversation: Conversation) -> None:
    """Keep the worker's typed note for next time."""
    assert update.effective_user and update.message and update.message.text
    async with context.bot_data.uow() as uow:
        await sessions.note_outcome(uow, update.effective_user.id, update.message.text)
    await update.message.reply_text(t.NOTE_SAVED)


def register(app: Application) -> None:  # type: ignore[type-arg]
    # Peers: the next session, all sessions, and the answers under a session.
    app.add_handler(CommandHandler("next", next_session))
    app.add_handler(CommandHandler("sessions", list_sessions))
    app.add_handler(CallbackQueryHandler(answer_session, pattern=r"^ses:"))
    # Peer workers: scheduling (one line or guided) and its buttons.
    schedule.register(app)
    # Rearranging, from either side.
    rearrange.register(app)
    # Peer workers: the diary, their peers, outcomes of past sessions.
    app.add_handler(CommandHandler("diary", show_diary))
    app.add_handler(CommandHandler("peers", show_peers))
    app.add_handler(CommandHandler("outcome", ask_outcomes))
    app.add_handler(CallbackQueryHandler(record_outcome, pattern=r"^out:"))
