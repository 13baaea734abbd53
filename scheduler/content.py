"""What each kind of clock-driven message says, and the buttons that come with it.

The pre-session summary and the weekly digest are the content built by their own
features (`bot.services.summary`, `bot.services.digest`); should building one fail, a plain
text still goes out on time rather than nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import keyboards
from bot.chart import digest_chart_png, flow_chart_png
from bot.exports.digest_csv import digest_csv
from bot.i18n import LANGUAGE, _, default, pick
from bot.services import deliveries, delivery_times as t
from bot.services.deliveries import Due
from bot.services.digest import build_digest
from bot.services.summary import build_summary
from bot.texts import (
    digest_flow as flow_texts,
    reminders as texts,
    sessions as ts,
    team as team_texts,
)
from bot.texts.summary import render_summary
from bot.texts.team import render_digest
from scheduler import content_endings, content_safety as safety
from scheduler.sending import Part
from storage.db import Database
from storage.enums import DeliveryKind as Kind
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


def _local(moment: datetime, zone: str) -> datetime:
    try:
        return moment.astimezone(ZoneInfo(zone))
    except (ValueError, KeyError):
        return moment


async def summary_parts(db: Database, due: Due, now: datetime) -> list[Part]:
    """The worker's pre-session summary (bot.services.summary), else a plain line."""
    s = due.session
    assert s is not None
    try:
        async with UnitOfWork(db) as uow:
            summary = await build_summary(uow, s.session_id, now=now)
        return [Part(text=render_summary(summary))]
    except Exception:  # a bug there must not cost the worker the message
        log.exception("summary for session %s failed; sending the plain one", s.session_id)
    starts = _local(s.starts_at, due.timezone)
    return [Part(text=texts.summary_plain(s.peer_name, starts, s.duration_minutes, s.place))]


async def digest_parts(db: Database, due: Due, now: datetime) -> list[Part]:
    """The coordinator's weekly digest with its chart and CSV, else plain counts."""
    end = due.due_at
    start = end - timedelta(days=7)
    try:
        async with UnitOfWork(db) as uow:
            # The settings are out of reach here: whether check-ins are in use stands in.
            safety = await uow.digest.checkins_in_use()
            digest = await build_digest(uow, start=start, end=end, safety=safety)
        return [
            Part(text=render_digest(digest)),
            # The same captions as /digest's (handlers.team).
            Part(text=_(team_texts.CHART_CAPTION), photo=digest_chart_png(digest)),
            Part(text=_(flow_texts.FLOW_CHART_CAPTION), photo=flow_chart_png(digest)),
            Part(
                text=_(team_texts.CSV_CAPTION),
                document=digest_csv(digest),
                filename=f"digest-{due.digest_day}.csv",
            ),
        ]
    except Exception:
        log.exception("digest for person %s failed; sending the plain one", due.recipient_id)
    async with UnitOfWork(db) as uow:
        counts = await deliveries.session_counts(uow, start, end)
    local_start, local_end = _local(start, due.timezone), _local(end, due.timezone)
    return [Part(text=texts.digest_plain(local_start.date(), local_end.date(), counts))]


async def reminder_parts(db: Database, due: Due, now: datetime) -> list[Part]:
    s = due.session
    assert s is not None
    starts = _local(s.starts_at, due.timezone)
    text = texts.reminder(
        due.kind, starts, s.duration_minutes, s.place, s.worker_name, late=due.late
    )
    return [Part(text=text, keyboard=keyboards.session(s.session_id, s.version))]


async def outcome_prompt_parts(db: Database, due: Due, now: datetime) -> list[Part]:
    s = due.session
    assert s is not None
    text = texts.outcome_prompt(s.peer_name, _local(s.starts_at, due.timezone))
    return [Part(text=text, keyboard=keyboards.outcome(s.session_id))]


Render = Callable[[Database, Due, datetime], Awaitable[list[Part]]]

# What each kind says: one line a kind.
PARTS: dict[str, Render] = {
    t.REMINDER_DAY_BEFORE: reminder_parts,
    t.REMINDER_MORNING: reminder_parts,
    t.REMINDER_HOUR_BEFORE: reminder_parts,
    t.SUMMARY: summary_parts,
    t.OUTCOME_PROMPT: outcome_prompt_parts,
    t.DIGEST: digest_parts,
    Kind.TOOLBOX: content_endings.toolbox_parts,
    Kind.DOOR_OPEN: content_endings.door_open_parts,
    t.SAFETY_START: safety.start_parts,
    t.SAFETY_ASK: safety.ask_parts,
    t.SAFETY_ALERT: safety.alert_parts,
    t.SAFETY_HANDLED: safety.handled_parts,
    t.SAFETY_OVER: safety.over_parts,
}


async def parts_for(db: Database, due: Due, now: datetime) -> list[Part]:
    """Render one due delivery as the messages to send, in its recipient's language."""
    ts.TODAY.set(now.date())  # far dates show their year
    # Each delivery runs in a task of its own (scheduler.engine), so this is its alone.
    LANGUAGE.set(pick(due.language, default()))
    render = PARTS.get(due.kind)
    if render is None:
        raise ValueError(f"unknown delivery kind {due.kind}")
    return await render(db, due, now)
