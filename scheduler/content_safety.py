"""What lone-working safety messages say (SPEC §8), and their buttons.

Each is rendered from its check-in as it is now (checked right before, in
bot.services.safety_check): the worker's name, the place and the times; never notes.
"""

from __future__ import annotations

from datetime import datetime

from bot.keyboards import safety as keys
from bot.services import safety
from bot.services.deliveries import Due
from bot.texts import safety as texts
from scheduler.sending import Part
from storage.db import Database
from storage.enums import CheckinKind
from storage.uow import UnitOfWork


async def _view(db: Database, due: Due) -> safety.AlertView:
    assert due.checkin_id is not None
    async with UnitOfWork(db) as uow:
        found = await safety.view(uow, due.checkin_id)
    if found is None:
        raise LookupError(f"check-in {due.checkin_id} is gone")
    return found


async def start_parts(db: Database, due: Due, now: datetime) -> list[Part]:
    v = await _view(db, due)
    text = texts.started_session(v.peer_name, v.ends_at, due.timezone)
    assert due.checkin_id is not None
    return [Part(text=text, keyboard=keys.im_safe(due.checkin_id))]


async def ask_parts(db: Database, due: Due, now: datetime) -> list[Part]:
    v = await _view(db, due)
    grace = max(int((due.due_at - v.ends_at).total_seconds() // 60), 1)
    assert due.checkin_id is not None
    text = texts.are_you_safe(v.ends_at, grace, due.timezone)
    return [Part(text=text, keyboard=keys.im_safe(due.checkin_id))]


async def alert_parts(db: Database, due: Due, now: datetime) -> list[Part]:
    v = await _view(db, due)
    assert due.checkin_id is not None
    text = texts.alert(
        sos=v.kind == CheckinKind.SOS,
        worker_name=v.worker_name,
        place=v.place,
        ends_at=v.ends_at,
        last_heard_at=v.last_heard_at,
        handler_name=v.handler_name,
        zone=due.timezone,
    )
    buttons = None if v.handler_name else keys.handling(due.checkin_id)
    return [Part(text=text, keyboard=buttons)]


async def handled_parts(db: Database, due: Due, now: datetime) -> list[Part]:
    v = await _view(db, due)
    return [Part(text=texts.handled(v.handler_name or "", v.worker_name))]


async def over_parts(db: Database, due: Due, now: datetime) -> list[Part]:
    v = await _view(db, due)
    return [Part(text=texts.over(v.worker_name))]
