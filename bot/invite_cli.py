"""The first coordinator's invitation, made on the command line."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.app import fetch_bot_username
from bot.config import Settings
from bot.context import utc_now
from bot.services import onboarding
from storage.db import open_database
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

PLACEHOLDER_USERNAME = "YOUR_BOT_USERNAME"


@dataclass
class InviteOutput:
    text: str
    link: str
    notes: list[str] = field(default_factory=list)


async def invite_coordinator(settings: Settings) -> InviteOutput:
    """Make the invitation; the link's bot username comes from Telegram, the database or .env."""
    db = open_database(settings.database_url)
    notes: list[str] = []
    try:
        async with UnitOfWork(db) as uow:
            issued = await onboarding.invite_coordinator(
                uow, now=utc_now(), days=settings.invitation_days
            )
        username = await fetch_bot_username(settings)
        if username is None:
            async with UnitOfWork(db) as uow:
                username = await uow.bot_info.get("bot_username")
        username = username or settings.telegram_bot_username
        if username is None:
            username = PLACEHOLDER_USERNAME
            notes.append(
                "peerbot: the bot's username is not known yet (set TELEGRAM_BOT_TOKEN or "
                f"TELEGRAM_BOT_USERNAME); replace {PLACEHOLDER_USERNAME} in the link, or send "
                f"the bot: /start {issued.token}"
            )
    finally:
        await db.dispose()
    text = (
        f"A one-time invitation for a coordinator, valid until {issued.expires_at:%Y-%m-%d %H:%M} "
        "UTC. Open it on the coordinator's phone:"
    )
    return InviteOutput(text, onboarding.deep_link(username, issued.token), notes)
