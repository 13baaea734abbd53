"""Each role's command menu, set per chat so a person sees only what they can use."""

from __future__ import annotations

import logging
from collections.abc import Collection

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ExtBot

from bot import texts
from bot.i18n import shipped, speaking

log = logging.getLogger(__name__)


def registered_commands(app: Application) -> frozenset[str]:  # type: ignore[type-arg]
    """The commands the app has a handler for, in any group."""
    return frozenset(
        command
        for group in app.handlers.values()
        for handler in group
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    )


def commands_for(role: str | None, available: Collection[str]) -> list[BotCommand]:
    """The role's menu, described in the reader's language."""
    return [BotCommand(name, about) for name, about in texts.commands_of(role, available)]


async def set_default_menu(
    bot: ExtBot[None], available: Collection[str], default_language: str
) -> None:
    """The strangers' menu: in DEFAULT_LANGUAGE for everyone, and in each language we ship
    for the people whose Telegram speaks it (`language_code`)."""
    scope = BotCommandScopeDefault()
    with speaking(default_language):
        await bot.set_my_commands(commands_for(None, available), scope=scope)
    for language in shipped():
        with speaking(language):
            menu = commands_for(None, available)
        await bot.set_my_commands(menu, scope=scope, language_code=language)


async def set_menu(
    bot: ExtBot[None], chat_id: int, role: str | None, available: Collection[str]
) -> None:
    """Set a chat's menu in the reader's language (theirs, whatever their Telegram speaks);
    a failure here must not undo a join, so it is only logged."""
    try:
        await bot.set_my_commands(commands_for(role, available), scope=BotCommandScopeChat(chat_id))
    except TelegramError as error:
        log.warning("could not set the command menu for chat %s: %s", chat_id, type(error).__name__)
