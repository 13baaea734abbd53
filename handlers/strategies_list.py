"""/strategies: the peer's own list and entries: view, rename, remove, delete.

Every button re-checks that the strategy or entry is the presser's own; anything else
(someone else's, a removed one, a forged payload) gets the same "not there" answer.
"""

from __future__ import annotations

from telegram import Update

from bot import callbacks as cb
from bot import keyboards
from bot.keyboards import Keyboard
from bot.services import strategies as service
from bot.services.errors import BadInput
from bot.services.flows import Flow, Where
from bot.texts import strategies as t
from handlers.common import Context, answers_errors, edit, markup, pressed

ENTRIES_SHOWN = 10
# What a person reads for a strategy or entry that is not theirs, gone, or forged.
GONE = "strategy_gone"


async def _show(update: Update, text: str, keys: Keyboard | None) -> None:
    assert update.callback_query
    await edit(update.callback_query, text, keys)
    # Always answer a callback query, or the button keeps spinning on the phone.
    await update.callback_query.answer()


@answers_errors
async def show_strategies(update: Update, context: Context) -> None:
    """Show the peer this week's entries and their whole list, with ways to change them."""
    assert update.effective_user and update.effective_message
    data = context.bot_data
    async with data.uow() as uow:
        overview = await service.overview(uow, update.effective_user.id, now=data.now())
    await update.effective_message.reply_text(
        t.overview(overview), reply_markup=markup(keyboards.strategies_overview(overview))
    )


@answers_errors
async def show_strategies_again(update: Update, context: Context) -> None:
    """Go back to the overview (Back, or Keep it), leaving a rename half-done."""
    assert update.callback_query
    uid, data = update.callback_query.from_user.id, context.bot_data
    async with data.uow() as uow:
        await service.leave_flow(uow, uid, Flow.STRATEGIES)
        overview = await service.overview(uow, uid, now=data.now())
    await _show(update, t.overview(overview), keyboards.strategies_overview(overview))


@answers_errors
async def pick_strategy_to_change(update: Update, context: Context) -> None:
    """List the peer's strategies to rename or remove one."""
    assert update.callback_query
    uid, data = update.callback_query.from_user.id, context.bot_data
    async with data.uow() as uow:
        overview = await service.overview(uow, uid, now=data.now())
    if not overview.strategies:
        return await _show(update, t.NO_STRATEGIES, None)
    await _show(update, t.PICK_STRATEGY, keyboards.strategies_to_pick(overview.strategies))


@answers_errors
async def show_strategy(update: Update, context: Context) -> None:
    """Show one strategy, how often it was logged, and Rename / Remove."""
    [strategy_id], query = pressed(update, cb.STR_SHOW, GONE), update.callback_query
    assert query
    async with context.bot_data.uow() as uow:
        item, count = await service.strategy(uow, query.from_user.id, strategy_id)
    await _show(update, t.strategy_details(item.name, count), keyboards.strategy(item.id))


@answers_errors
async def ask_new_name(update: Update, context: Context) -> None:
    """Ask for the strategy's new name (typed next)."""
    [strategy_id], query = pressed(update, cb.STR_RENAME, GONE), update.callback_query
    assert query
    data = context.bot_data
    async with data.uow() as uow:
        item = await service.start_rename(uow, query.from_user.id, strategy_id, now=data.now())
    await _show(update, t.ask_new_name(item.name), keyboards.keep_name())


@answers_errors
async def ask_to_remove_strategy(update: Update, context: Context) -> None:
    """Ask before removing a strategy from the list."""
    [strategy_id], query = pressed(update, cb.STR_ASK_REMOVE, GONE), update.callback_query
    assert query
    async with context.bot_data.uow() as uow:
        item, count = await service.strategy(uow, query.from_user.id, strategy_id)
    await _show(update, t.confirm_remove(item.name, count), keyboards.remove_sure(item.id))


@answers_errors
async def remove_strategy(update: Update, context: Context) -> None:
    """Remove a strategy from the peer's list."""
    [strategy_id], query = pressed(update, cb.STR_REMOVE, GONE), update.callback_query
    assert query
    async with context.bot_data.uow() as uow:
        item = await service.remove_strategy(uow, query.from_user.id, strategy_id)
    await _show(update, t.removed(item.name), keyboards.back_to_strategies())


@answers_errors
async def list_entries(update: Update, context: Context) -> None:
    """List the peer's recent entries to delete one."""
    assert update.callback_query
    async with context.bot_data.uow() as uow:
        tz, found = await service.recent_entries(
            uow, update.callback_query.from_user.id, limit=ENTRIES_SHOWN
        )
    if not found:
        return await _show(update, t.NO_ENTRIES, keyboards.back_to_strategies())
    labels = [(t.entry_button(e.name, e.outcome, e.logged_at, tz), e.id) for e in found]
    await _show(update, t.PICK_ENTRY, keyboards.entries(labels))


@answers_errors
async def ask_to_delete_entry(update: Update, context: Context) -> None:
    """Ask before deleting one entry."""
    [entry_id], query = pressed(update, cb.STR_ENTRY, GONE), update.callback_query
    assert query
    async with context.bot_data.uow() as uow:
        tz, entry = await service.entry(uow, query.from_user.id, entry_id)
    line = t.entry_line(entry.name, entry.outcome, entry.logged_at, tz)
    await _show(update, t.confirm_delete(line, entry.note), keyboards.delete_sure(entry.id))


@answers_errors
async def delete_entry(update: Update, context: Context) -> None:
    """Delete one entry of the peer's log."""
    [entry_id], query = pressed(update, cb.STR_DELETE, GONE), update.callback_query
    assert query
    async with context.bot_data.uow() as uow:
        tz, entry = await service.delete_entry(uow, query.from_user.id, entry_id)
    line = t.entry_line(entry.name, entry.outcome, entry.logged_at, tz)
    await _show(update, t.deleted(line), keyboards.back_to_strategies())


@answers_errors
async def refuse_stale_strategy_button(update: Update, context: Context) -> None:
    """Answer a /strategies button that is malformed or forged: not there."""
    raise BadInput("strategy_gone")


@answers_errors
async def type_new_name(update: Update, context: Context, where: Where) -> None:
    """Rename the strategy the peer chose with Rename to what they typed."""
    assert update.effective_user and update.effective_message
    data = context.bot_data
    async with data.uow() as uow:
        old, item = await service.rename(
            uow, update.effective_user.id, update.effective_message.text or "", now=data.now()
        )
    await update.effective_message.reply_text(t.renamed(old, item.name))
