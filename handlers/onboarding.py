"""Joining by invitation, welcomes, /help, and the invitations staff hand out."""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import ChatMember, Update

from bot import texts
from bot.i18n import _, current
from bot.qr import qr_png
from bot.services import onboarding
from handlers import referral_link, reminders
from handlers.common import Context, answers_errors, call
from handlers.menus import set_menu
from storage.models import Role

log = logging.getLogger(__name__)


@answers_errors
async def start_with_token(update: Update, context: Context) -> None:
    """Join with the role of the invitation in the deep link (or ask for support)."""
    assert update.effective_user and update.message
    if context.args == [referral_link.PUBLIC_LINK]:
        return await referral_link.open_public_link(update, context)
    data, user = context.bot_data, update.effective_user
    token = context.args[0] if context.args else ""
    joined = await call(
        context,
        onboarding.join,
        token,
        telegram_id=user.id,
        first_name=user.first_name,
        timezone=data.settings.timezone,
        language=current(),  # their Telegram language when we ship it, else the default
    )
    log.info("person %s joined as %s", joined.person_id, joined.role)
    await update.message.reply_text(
        texts.welcome_joined(joined.role, joined.name, joined.worker_name, data.settings.contacts())
    )
    await set_menu(context.bot, update.message.chat_id, joined.role, data.commands)
    if joined.role == Role.PEER:
        # Asked once, right after the welcome; "No thanks" is a first-class answer.
        await reminders.offer(update.message, context, joined.person_id)


async def start(update: Update, context: Context) -> None:
    """Greet: a stranger learns what the bot is, a member is welcomed back."""
    assert update.effective_user and update.message
    data = context.bot_data
    me = await call(context, onboarding.whoami, update.effective_user.id, timed=False)
    if me is None:
        text = texts.welcome_stranger(data.settings.org_name, data.settings.contacts())
    else:
        text = texts.welcome_back(me.role, me.name, data.settings.contacts())
    await update.message.reply_text(text)


async def show_help(update: Update, context: Context) -> None:
    """List the commands of the person's role, always with the crisis contacts."""
    assert update.effective_user and update.message
    data = context.bot_data
    me = await call(context, onboarding.whoami, update.effective_user.id, timed=False)
    role = me.role if me else None
    await update.message.reply_text(texts.help_text(role, data.settings.contacts(), data.commands))


async def _hand_out(
    update: Update, context: Context, token: str, text: Callable[[str], str]
) -> None:
    """Send an invitation: its deep link (within `text`), then the link's QR code."""
    assert update.message
    link = onboarding.deep_link(context.bot.username, token)
    await update.message.reply_text(text(link))
    await update.message.reply_photo(qr_png(link), caption=_(texts.QR_CAPTION))


@answers_errors
async def invite(update: Update, context: Context) -> None:
    """Give a coordinator a one-time invitation for a new peer worker."""
    assert update.effective_user and update.message
    days = context.bot_data.settings.invitation_days
    issued = await call(context, onboarding.invite_worker, update.effective_user.id, days=days)
    await _hand_out(
        update,
        context,
        issued.token,
        lambda link: texts.invitation_for_worker(link, issued.expires_at),
    )


@answers_errors
async def add_peer(update: Update, context: Context) -> None:
    """Add a peer and their programme; answer with their invitation link and QR code."""
    assert update.effective_user and update.message
    settings = context.bot_data.settings
    issued = await call(
        context,
        onboarding.add_peer,
        update.effective_user.id,
        " ".join(context.args or []),
        days=settings.invitation_days,
        planned_sessions=settings.programme_sessions,
    )
    sessions, name = settings.programme_sessions, issued.peer_name or ""
    await _hand_out(
        update,
        context,
        issued.token,
        lambda link: texts.invitation_for_peer(name, sessions, link, issued.expires_at),
    )


async def chat_status(update: Update, context: Context) -> None:
    """Note that a person blocked or unblocked the bot; nobody is sent anything."""
    change = update.my_chat_member
    assert change is not None
    blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    if await call(context, onboarding.note_blocked, change.from_user.id, blocked):
        log.info(
            "update %s: chat %s %s",
            update.update_id,
            change.chat.id,
            "blocked" if blocked else "unblocked",
        )
