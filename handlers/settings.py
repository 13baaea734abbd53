"""/settings: one command, each role's own settings (workers' and coordinators' differ)."""

from __future__ import annotations

from collections.abc import Mapping

from telegram import Update

from bot import texts
from bot.i18n import _
from bot.services import onboarding
from handlers.common import Context, Handler


def settings_by_role(by_role: Mapping[str, Handler]) -> Handler:
    """The /settings handler that shows the settings of the person's role (the table's)."""

    async def show_settings(update: Update, context: Context) -> None:
        """Show the settings of the person's role."""
        assert update.effective_user and update.message
        async with context.bot_data.uow() as uow:
            me = await onboarding.whoami(uow, update.effective_user.id)
        if me is None:
            await update.message.reply_text(texts.stranger(context.bot_data.settings.org_name))
            return
        handler = by_role.get(me.role)
        if handler is None:
            await update.message.reply_text(_(texts.NOT_FOR_YOUR_ROLE))
            return
        await handler(update, context)

    return show_settings
