"""What a programme's end says (kinds `toolbox` and `door_open`, SPEC §3).

The toolbox: a warm message with the peer's strategies (those that helped most first),
the same as a one-page PDF, then the first of the three questions (only the first time
they are asked: bot.services.ending_questions). The open door: one short, kind message,
and nothing more.

The deployment's words these need (crisis contacts, the organisation's name, whether
self-referral is on) come from `configure`, called once when the scheduler is registered.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from bot.config import Settings
from bot.exports import toolbox_pdf
from bot.i18n import _
from bot.keyboards import endings as keyboards
from bot.services import endings
from bot.services.deliveries import Due
from bot.services.onboarding import deep_link
from bot.texts import endings as t
from scheduler.sending import Part
from storage.db import Database
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

# The self-referral deep link's start parameter (SPEC §2).
REFER = "refer"

_settings = Settings()


def configure(settings: Settings) -> None:
    """The deployment's settings, for the words of the messages below."""
    global _settings
    _settings = settings


async def toolbox_parts(db: Database, due: Due, now: datetime) -> list[Part]:
    """The peer's toolbox as a message and a PDF, then the first question (once)."""
    assert due.programme_id is not None
    async with UnitOfWork(db) as uow:
        box = await endings.toolbox_for(uow, due.programme_id, now=now)
    listed = [(s.name, s.tried, s.helped, s.a_bit) for s in box.strategies]
    contacts = _settings.contacts()
    # Drawn in a worker thread (in this task's language): a page takes 0.2 s of CPU, the
    # first of a process 0.7 s, which would hold up every chat's answer meanwhile.
    pdf = await asyncio.to_thread(toolbox_pdf.render, box, contacts)
    parts = [
        Part(text=t.toolbox(box.peer_name, listed)),
        Part(
            text=_(t.TOOLBOX_CAPTION),
            document=pdf,
            filename=t.TOOLBOX_FILENAME,
        ),
    ]
    if box.ask:
        parts.append(Part(text=_(t.QUESTION_HELPED), keyboard=keyboards.helped(box.programme_id)))
    return parts


async def door_open_parts(db: Database, due: Due, now: datetime) -> list[Part]:
    """The door is open: how to be referred again (the public link, if there is one)."""
    link = None
    if _settings.self_referral:
        async with UnitOfWork(db) as uow:
            username = await uow.bot_info.get("bot_username")
        link = deep_link(username, REFER) if username else None
    return [Part(text=t.door_open(_settings.org_name, link))]
