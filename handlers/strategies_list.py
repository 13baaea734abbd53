"""/strategies: the peer's own list and entries: view, rename, remove, delete.

Every button re-checks that the strategy or entry is the presser's own; anything else
(someone else's, a removed one, a forged payload) gets the same "not there" answer.
"""

from __future__ import annotations

import functools
import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.services import strategies as service
from bot.services.errors import BadInput, DomainError
from bot.texts import strategies as t
from handlers.common import Context, answers_errors, button, error_text, parse_button
from handlers.conversation import TextStep, text_step
from storage.models import Conversation
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

STRATEGIES_SHOWN = 20
ENTRIES_SHOWN = 10


def flow_errors(step: TextStep) -> TextStep:
    """`answers_errors` for typed steps: reply to a domain error; nothing was changed."""

    @functools.wraps(step)
    async def wrapper(update: Update, context: Context, conversation: Conversation) -> None:
        try:
            await step(update, context, conversation)
        except DomainError as error:
            log.info("update %s: %s", update.update_id, type(error).__name__)
            assert update.effective_message
            await update.effective_message.reply_text(error_text(error, context.bot_data))

    return wrapper


async def edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit the pressed message; a repeated press that changes nothing is not an error."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


def key(text: str, action: str, *ids: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=button("str", action, *ids))


def overview_keyboard(overview: service.Overview) -> InlineKeyboardMarkup | None:
    rows = []
    if overview.strategies:
        rows.append([key(t.BUTTON_CHANGE, "pick")])
    if overview.this_week or overview.strategies:
        rows.append([key(t.BUTTON_DELETE_ENTRY, "entries")])
    return InlineKeyboardMarkup(rows) if rows else None


@answers_errors
async def show_strategies(update: Update, context: Context) -> None:
    """Show the peer this week's entries and their whole list, with ways to change them."""
    assert update.effective_user and update.effective_message
    data = context.bot_data
    async with data.uow() as uow:
        overview = await service.overview(uow, update.effective_user.id, now=data.now())
    await update.effective_message.reply_text(
        t.overview(overview), reply_markup=overview_keyboard(overview)
    )


async def _screen(
    uow: UnitOfWork, context: Context, telegram_id: int, action: str, ids: list[int]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The text and buttons after a press of `action` (the changes are made here)."""
    back = [key(t.BUTTON_BACK, "menu")]
    match action, ids:
        case (("menu" | "keep"), []):
            await service.leave_flow(uow, telegram_id, service.LIST_FLOW)
            overview = await service.overview(uow, telegram_id, now=context.bot_data.now())
            return t.overview(overview), overview_keyboard(overview)
        case "pick", []:
            overview = await service.overview(uow, telegram_id, now=context.bot_data.now())
            if not overview.strategies:
                return t.NO_STRATEGIES, None
            rows = [[key(t.short(s.name, 40), "s", s.id)] for s in overview.strategies]
            return t.PICK_STRATEGY, InlineKeyboardMarkup([*rows[:STRATEGIES_SHOWN], back])
        case "s", [strategy_id]:
            item, count = await service.strategy(uow, telegram_id, strategy_id)
            rows = [[key(t.BUTTON_RENAME, "ren", item.id), key(t.BUTTON_REMOVE, "rm", item.id)]]
            return t.strategy_details(item.name, count), InlineKeyboardMarkup([*rows, back])
        case "ren", [strategy_id]:
            item = await service.start_rename(
                uow, telegram_id, strategy_id, now=context.bot_data.now()
            )
            return t.ask_new_name(item.name), InlineKeyboardMarkup([[key(t.BUTTON_KEEP, "keep")]])
        case "rm", [strategy_id]:
            item, count = await service.strategy(uow, telegram_id, strategy_id)
            rows = [[key(t.BUTTON_YES_REMOVE, "rmy", item.id), key(t.BUTTON_KEEP, "keep")]]
            return t.confirm_remove(item.name, count), InlineKeyboardMarkup(rows)
        case "rmy", [strategy_id]:
            item = await service.remove_strategy(uow, telegram_id, strategy_id)
            return t.removed(item.name), InlineKeyboardMarkup([back])
        case "entries", []:
            tz, entries = await service.recent_entries(uow, telegram_id, limit=ENTRIES_SHOWN)
            if not entries:
                return t.NO_ENTRIES, InlineKeyboardMarkup([back])
            rows = [
                [key(t.entry_button(e.name, e.outcome, e.logged_at, tz), "e", e.id)]
                for e in entries
            ]
            return t.PICK_ENTRY, InlineKeyboardMarkup([*rows, back])
        case "e", [entry_id]:
            tz, entry = await service.entry(uow, telegram_id, entry_id)
            line = t.entry_line(entry.name, entry.outcome, entry.logged_at, tz)
            rows = [[key(t.BUTTON_YES_DELETE, "dely", entry.id), key(t.BUTTON_KEEP, "keep")]]
            return t.confirm_delete(line, entry.note), InlineKeyboardMarkup(rows)
        case "dely", [entry_id]:
            tz, entry = await service.delete_entry(uow, telegram_id, entry_id)
            line = t.entry_line(entry.name, entry.outcome, entry.logged_at, tz)
            return t.deleted(line), InlineKeyboardMarkup([back])
    raise BadInput("strategy_gone")


@answers_errors
async def list_button(update: Update, context: Context) -> None:
    """Take a /strategies button: open, rename, remove or delete, each re-checked."""
    query = update.callback_query
    assert query is not None
    action, ids = parse_button(query.data, "str") or ("", [])
    async with context.bot_data.uow() as uow:
        text, markup = await _screen(uow, context, query.from_user.id, action, ids)
    await edit(query, text, markup)
    # Always answer a callback query, or the button keeps spinning on the phone.
    await query.answer()


@text_step(service.LIST_FLOW)
@flow_errors
async def rename_typed(update: Update, context: Context, conversation: Conversation) -> None:
    """Rename the strategy the peer chose with Rename to what they typed."""
    assert update.effective_user and update.effective_message
    data = context.bot_data
    async with data.uow() as uow:
        old, item = await service.rename(
            uow, update.effective_user.id, update.effective_message.text or "", now=data.now()
        )
    await update.effective_message.reply_text(t.renamed(old, item.name))


def register(app: Application) -> None:  # type: ignore[type-arg]
    # /strategies: this week's entries and the peer's whole list.
    app.add_handler(CommandHandler("strategies", show_strategies))
    # Its buttons: rename, remove a strategy, delete an entry (with confirmation).
    app.add_handler(CallbackQueryHandler(list_button, pattern=r"^str:"))
