"""/settings: one command, each role's own settings (workers' and coordinators' differ)."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot import texts
from bot.services import onboarding
from handlers.common import Context, Handler

_BY_ROLE: dict[str, Handler] = {}


def settings_for(role: str) -> Callable[[Handler], Handler]:
    """Register the /settings handler of one role."""

    def register(handler: Handler) -> Handler:
        _BY_ROLE[role] = handler
        return handler

    return register


async def settings(update: Update, context: Context) -> None:
    """Show the settings of the person's role."""
    assert update.effective_user and update.message
    async with context.bot_data.uow() as uow:
        me = await onboarding.whoami(uow, update.effective_user.id)
    if me is None:
        await update.message.reply_text(texts.stranger(context.bot_data.settings.org_name))
        return
    handler = _BY_ROLE.get(me.role)
    if handler is None:
        await update.message.reply_text(texts.NOT_FOR_YOUR_ROLE)
        return
    await handler(update, context)


def register(app: Application) -> None:  # type: ignore[type-arg]
    # /settings, when at least one role has settings to show.
    if _BY_ROLE:
        app.add_handler(CommandHandler("settings", settings))
