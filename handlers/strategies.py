"""The peer's strategy log (/log) and the peer worker's pre-session summary (/summary).

Every step of /log is kept in the database (flow "log"), so a restart or another replica
goes on where the peer was. The peer's own list (/strategies) lives in strategies_list.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.services import strategies as service
from bot.services import summary as summaries
from bot.services.errors import BadInput
from bot.texts import strategies as t
from bot.texts import summary as ts
from handlers import strategies_list
from handlers.common import Context, answers_errors, button, parse_button
from handlers.conversation import text_step
from handlers.strategies_list import edit, flow_errors
from storage.models import Conversation

log = logging.getLogger(__name__)

# Buttons for the most recent strategies; older ones can still be typed (matched by name).
PICK_SHOWN = 8


def pick_keyboard(start: service.LogStart) -> InlineKeyboardMarkup | None:
    rows = [
        [
            InlineKeyboardButton(
                t.short(s.name, 40), callback_data=button("log", "pick", start.nonce, s.id)
            )
        ]
        for s in start.strategies[:PICK_SHOWN]
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def outcome_keyboard(nonce: int) -> InlineKeyboardMarkup:
    keys = [
        InlineKeyboardButton(label, callback_data=button("log", "out", nonce, index))
        for index, label in enumerate(t.OUTCOME_LABELS[o] for o in service.OUTCOMES)
    ]
    return InlineKeyboardMarkup([keys[:2], keys[2:]])


def skip_keyboard(nonce: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t.BUTTON_SKIP, callback_data=button("log", "skip", nonce))]]
    )


def after_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t.BUTTON_LOG_ANOTHER, callback_data=button("log", "again")),
                InlineKeyboardButton(t.BUTTON_DONE, callback_data=button("log", "done")),
            ]
        ]
    )


def start_text(start: service.LogStart) -> str:
    return t.LOG_PICK if start.strategies else t.LOG_FIRST


def note_text(context: Context, step: service.Step) -> str:
    assert step.outcome
    return t.note_prompt(step.name, step.outcome, context.bot_data.settings.crisis_contacts)


@answers_errors
async def start_log(update: Update, context: Context) -> None:
    """Start logging: pick one of the peer's own strategies or type a new one."""
    assert update.effective_user and update.effective_message
    data = context.bot_data
    async with data.uow() as uow:
        start = await service.start_log(uow, update.effective_user.id, now=data.now())
    await update.effective_message.reply_text(start_text(start), reply_markup=pick_keyboard(start))


@answers_errors
async def log_button(update: Update, context: Context) -> None:
    """Take a /log button: a strategy, how it went, Skip, Log another or Done."""
    query = update.callback_query
    assert query is not None
    data, telegram_id = context.bot_data, query.from_user.id
    action, ids = parse_button(query.data, "log") or ("", [])
    async with data.uow() as uow:
        if action == "pick" and len(ids) == 2:
            step = await service.pick_strategy(uow, telegram_id, ids[0], ids[1], now=data.now())
            await edit(query, t.how_did_it_go(step.name), outcome_keyboard(step.nonce))
        elif action == "out" and len(ids) == 2 and 0 <= ids[1] < len(service.OUTCOMES):
            outcome = service.OUTCOMES[ids[1]]
            step = await service.choose_outcome(uow, telegram_id, ids[0], outcome, now=data.now())
            await edit(query, note_text(context, step), skip_keyboard(step.nonce))
        elif action == "skip" and len(ids) == 1:
            logged = await service.finish_log(uow, telegram_id, ids[0], None, now=data.now())
            await edit(query, t.logged(logged.name, logged.outcome, None), after_keyboard())
        elif action == "again" and not ids:
            start = await service.start_log(uow, telegram_id, now=data.now())
            await query.edit_message_reply_markup(None)
            assert update.effective_chat
            await update.effective_chat.send_message(
                start_text(start), reply_markup=pick_keyboard(start)
            )
        elif action == "done" and not ids:
            # The entry is saved and the flow already over: Done only tidies the buttons.
            await query.edit_message_reply_markup(None)
            await query.answer(t.LOG_DONE)
            return
        else:
            raise BadInput("log_stale")
    # Always answer a callback query, or the button keeps spinning on the phone.
    await query.answer()


@text_step(service.LOG_FLOW)
@flow_errors
async def log_typed(update: Update, context: Context, conversation: Conversation) -> None:
    """Take what the peer typed inside /log: a new strategy, how it went, or the note."""
    assert update.effective_user and update.effective_message
    message, data = update.effective_message, context.bot_data
    raw, telegram_id = message.text or "", update.effective_user.id
    async with data.uow() as uow:
        if conversation.step == "strategy":
            step = await service.type_strategy(uow, telegram_id, raw, now=data.now())
            await message.reply_text(
                t.how_did_it_go(step.name), reply_markup=outcome_keyboard(step.nonce)
            )
        elif conversation.step == "outcome":
            outcome = t.outcome_from_text(raw)
            if outcome is None:
                nonce = int((conversation.data or {}).get("n") or 0)
                await message.reply_text(t.OUTCOME_AGAIN, reply_markup=outcome_keyboard(nonce))
                return
            step = await service.choose_outcome(uow, telegram_id, None, outcome, now=data.now())
            await message.reply_text(
                note_text(context, step), reply_markup=skip_keyboard(step.nonce)
            )
        else:
            # Typing "skip" is the Skip button, typed (SPEC §1.6: typing always works too).
            note = None if t.is_skip(raw) else raw
            logged = await service.finish_log(uow, telegram_id, None, note, now=data.now())
            text = t.logged(logged.name, logged.outcome, logged.note)
            await message.reply_text(text, reply_markup=after_keyboard())


@answers_errors
async def summary(update: Update, context: Context) -> None:
    """Show a peer worker the summary of one of their peers' next session."""
    assert update.effective_user and update.effective_message
    data, name = context.bot_data, " ".join(context.args or [])
    async with data.uow() as uow:
        if name:
            found = await summaries.summary_for_peer(
                uow, update.effective_user.id, name, now=data.now()
            )
            await update.effective_message.reply_text(ts.render_summary(found))
            return
        peers = await summaries.my_peers(uow, update.effective_user.id)
    rows = [
        [
            InlineKeyboardButton(
                t.short(p.name, 40), callback_data=button("str", "sum", p.programme_id)
            )
        ]
        for p in peers
    ]
    text = ts.CHOOSE_PEER if rows else ts.NO_PEERS
    await update.effective_message.reply_text(
        text, reply_markup=InlineKeyboardMarkup(rows) if rows else None
    )


@answers_errors
async def summary_button(update: Update, context: Context) -> None:
    """Show the summary for the peer picked under /summary (re-checked: the worker's own)."""
    query = update.callback_query
    assert query is not None
    _action, ids = parse_button(query.data, "str") or ("", [])
    if len(ids) != 1:
        raise BadInput("summary_peer_gone")
    data = context.bot_data
    async with data.uow() as uow:
        found = await summaries.summary_for_programme(
            uow, query.from_user.id, ids[0], now=data.now()
        )
    await edit(query, ts.render_summary(found), None)
    await query.answer()


def register(app: Application) -> None:  # type: ignore[type-arg]
    # /log: the peer logs a strategy they tried and how it went.
    app.add_handler(CommandHandler("log", start_log))
    # /log's buttons (payloads carry the flow's number, so old buttons go stale).
    app.add_handler(CallbackQueryHandler(log_button, pattern=r"^log:"))
    # /summary <peer name>: a peer worker's pre-session summary, now; and its peer buttons.
    app.add_handler(CommandHandler("summary", summary))
    app.add_handler(CallbackQueryHandler(summary_button, pattern=r"^str:sum:"))
    # /strategies: the peer's own list and entries (rename, remove, delete), and its buttons.
    strategies_list.register(app)
