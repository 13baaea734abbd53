"""/strategies: the peer's own list and entries: view, rename, remove, delete.

Every button re-checks that the strategy or entry is the presser's own; anything else
(someone else's, a removed one, a forged payload) gets the same "not there" answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import CallbackQuery, Update

from bot import callbacks as cb, keyboards
from bot.callbacks import Callback
from bot.i18n import _
from bot.keyboards import Keyboard
from bot.services import strategies as service
from bot.services.errors import BadInput
from bot.services.flows import Flow, Where
from bot.texts import strategies as t
from handlers.common import Context, answers_errors, call, press, reply, show, typed_by

ENTRIES_SHOWN = 10
# What a person reads for a strategy or entry that is not theirs, gone, or forged.
GONE = "strategy_gone"


async def _own(
    update: Update, context: Context, button: Callback, lookup: Any
) -> tuple[CallbackQuery, Any]:
    """The press on a strategy or entry button, and what `lookup` finds of the presser's own."""
    query, [item_id] = press(update, button, GONE)
    return query, await call(context, lookup, query.from_user.id, item_id, timed=False)


async def _own_entry(
    update: Update, context: Context, button: Callback, lookup: Any
) -> tuple[CallbackQuery, Any, str]:
    """The press on an entry button, the presser's own entry it names, and its line."""
    query, (tz, entry) = await _own(update, context, button, lookup)
    return query, entry, t.entry_line(entry.name, entry.outcome, entry.logged_at, tz)


@answers_errors
async def show_strategies(update: Update, context: Context) -> None:
    """Show the peer this week's entries and their whole list, with ways to change them."""
    assert update.effective_user
    overview = await call(context, service.overview, update.effective_user.id)
    await reply(update, t.overview(overview), keyboards.strategies_overview(overview))


async def _overview_after_leaving(uow: Any, telegram_id: int, *, now: datetime) -> Any:
    await service.leave_flow(uow, telegram_id, Flow.STRATEGIES)
    return await service.overview(uow, telegram_id, now=now)


@answers_errors
async def show_strategies_again(update: Update, context: Context) -> None:
    """Go back to the overview (Back, or Keep it), leaving a rename half-done."""
    assert update.callback_query
    query = update.callback_query
    overview = await call(context, _overview_after_leaving, query.from_user.id)
    await show(query, t.overview(overview), keyboards.strategies_overview(overview))


@answers_errors
async def pick_strategy_to_change(update: Update, context: Context) -> None:
    """List the peer's strategies to rename or remove one."""
    assert update.callback_query
    query = update.callback_query
    overview = await call(context, service.overview, query.from_user.id)
    if not overview.strategies:
        return await show(query, _(t.NO_STRATEGIES))
    await show(query, _(t.PICK_STRATEGY), keyboards.strategies_to_pick(overview.strategies))


async def _show_one(
    update: Update,
    context: Context,
    button: Callback,
    text: Callable[[str, int], str],
    keys: Callable[[int], Keyboard],
) -> None:
    """Show the presser's own strategy a button names, with how often it was logged."""
    query, (item, count) = await _own(update, context, button, service.strategy)
    await show(query, text(item.name, count), keys(item.id))


@answers_errors
async def show_strategy(update: Update, context: Context) -> None:
    """Show one strategy, how often it was logged, and Rename / Remove."""
    await _show_one(update, context, cb.STR_SHOW, t.strategy_details, keyboards.strategy)


@answers_errors
async def ask_new_name(update: Update, context: Context) -> None:
    """Ask for the strategy's new name (typed next)."""
    query, [strategy_id] = press(update, cb.STR_RENAME, GONE)
    item = await call(context, service.start_rename, query.from_user.id, strategy_id)
    await show(query, t.ask_new_name(item.name), keyboards.keep_name())


@answers_errors
async def ask_to_remove_strategy(update: Update, context: Context) -> None:
    """Ask before removing a strategy from the list."""
    await _show_one(update, context, cb.STR_ASK_REMOVE, t.confirm_remove, keyboards.remove_sure)


@answers_errors
async def remove_strategy(update: Update, context: Context) -> None:
    """Remove a strategy from the peer's list."""
    query, item = await _own(update, context, cb.STR_REMOVE, service.remove_strategy)
    await show(query, t.removed(item.name), keyboards.back_to_strategies())


@answers_errors
async def list_entries(update: Update, context: Context) -> None:
    """List the peer's recent entries to delete one."""
    assert update.callback_query
    query = update.callback_query
    tz, found = await call(
        context, service.recent_entries, query.from_user.id, limit=ENTRIES_SHOWN, timed=False
    )
    if not found:
        return await show(query, _(t.NO_ENTRIES), keyboards.back_to_strategies())
    labels = [(t.entry_button(e.name, e.outcome, e.logged_at, tz), e.id) for e in found]
    await show(query, _(t.PICK_ENTRY), keyboards.entries(labels))


@answers_errors
async def ask_to_delete_entry(update: Update, context: Context) -> None:
    """Ask before deleting one entry."""
    query, entry, line = await _own_entry(update, context, cb.STR_ENTRY, service.entry)
    await show(query, t.confirm_delete(line, entry.note), keyboards.delete_sure(entry.id))


@answers_errors
async def delete_entry(update: Update, context: Context) -> None:
    """Delete one entry of the peer's log."""
    query, _entry, line = await _own_entry(update, context, cb.STR_DELETE, service.delete_entry)
    await show(query, t.deleted(line), keyboards.back_to_strategies())


@answers_errors
async def refuse_stale_strategy_button(update: Update, context: Context) -> None:
    """Answer a /strategies button that is malformed or forged: not there."""
    raise BadInput("strategy_gone")


@answers_errors
async def type_new_name(update: Update, context: Context, where: Where) -> None:
    """Rename the strategy the peer chose with Rename to what they typed."""
    old, item = await call(context, service.rename, *typed_by(update))
    await reply(update, t.renamed(old, item.name))
