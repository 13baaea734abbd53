"""Links made on the command line: the first coordinator's invitation, and the public
self-referral link with its QR code (a poster for a GP surgery's wall)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from bot.app import fetch_bot_username
from bot.config import Settings
from bot.context import utc_now
from bot.qr import qr_png
from bot.services import onboarding, referral_self
from storage.db import Database, open_database
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

PLACEHOLDER_USERNAME = "YOUR_BOT_USERNAME"


@dataclass
class InviteOutput:
    text: str
    link: str
    notes: list[str] = field(default_factory=list)
    qr: bytes | None = None  # the link's QR code as a PNG, for the caller to write


async def _username(settings: Settings, db: Database) -> str | None:
    """The bot's username: from Telegram, else the database, else .env."""
    username = await fetch_bot_username(settings)
    if username is None:
        async with UnitOfWork(db) as uow:
            username = await uow.bot_info.get("bot_username")
    return username or settings.telegram_bot_username


async def invite_coordinator(settings: Settings) -> InviteOutput:
    """Make the invitation; the link's bot username comes from Telegram, the database or .env."""
    db = open_database(settings.database_url)
    notes: list[str] = []
    try:
        async with UnitOfWork(db) as uow:
            issued = await onboarding.invite_coordinator(
                uow, now=utc_now(), days=settings.invitation_days
            )
        username = await _username(settings, db)
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


async def referral_link(settings: Settings, qr_file: Path) -> InviteOutput:
    """The organisation's public link `?start=refer`, and its QR code written to `qr_file`."""
    db = open_database(settings.database_url)
    notes: list[str] = []
    try:
        username = await _username(settings, db)
    finally:
        await db.dispose()
    if username is None:
        username = PLACEHOLDER_USERNAME
        notes.append(
            "peerbot: the bot's username is not known yet (set TELEGRAM_BOT_TOKEN or "
            f"TELEGRAM_BOT_USERNAME); replace {PLACEHOLDER_USERNAME} in the link"
        )
    if not settings.self_referral:
        notes.append(
            "peerbot: SELF_REFERRAL is off, so the link answers as to any stranger until "
            "SELF_REFERRAL=true"
        )
    link = onboarding.deep_link(username, referral_self.PUBLIC_LINK)
    text = (
        f"The public self-referral link (its QR code is in {qr_file}). Anyone can open it "
        "to ask for support:"
    )
    return InviteOutput(text, link, notes, qr_png(link))
