"""The sandbox's people: a coordinator, a peer worker and a peer, joined the real way.

Invitations come from the onboarding service and each person opens theirs with
`/start <token>` through the local Bot API, exactly as on Telegram. The programme's
sessions are inserted as rows (a held one last week, a few in the coming week), so the
sandbox does not depend on how scheduling asks its questions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.config import Settings
from bot.i18n import _, _n
from bot.localapi import LocalBotApi
from bot.sandbox.chat import Chat
from bot.sandbox.screen import Actor
from bot.services import onboarding, referrals
from bot.texts.dates import hhmm, short_day
from storage.db import Database
from storage.models import PeerSession, Person, Strategy
from storage.uow import UnitOfWork

# Marks a database as the sandbox's own and remembers its people's accounts, so that
# `--db FILE` can carry on where the last run stopped, and never touches a real one.
CAST_KEY = "sandbox_cast"
NAMES = {"coordinator": "Chris", "worker": "Wren", "peer": "Sam"}
PLACE = "Community room"
# A referral from a GP that has waited this long, for the coordinator to match.
REFERRED, WAITED = "Alex", timedelta(days=9)
REFERRAL = f"{REFERRED} GP"


class NotASandbox(Exception):
    """The database holds people the sandbox did not make."""


# Sessions start on the hour within working hours, Monday to Friday, and end by FINISH.
OPENS, FINISH = time(9, 0), time(17, 0)
# The first session is at least this far ahead: with --speed its summary (two hours
# before) and the peer's reminders (an hour before) still lie in the future.
LEAD = timedelta(hours=3)


@dataclass(frozen=True)
class Slot:
    """A session of the seeded week: when (UTC), how long, where."""

    starts_at: datetime
    minutes: int
    place: str


def _stamp(local: datetime) -> str:
    """'Tue 8 Dec 13:00'."""
    return f"{short_day(local.date())} {hhmm(local)}"


def working_day(day: date) -> date:
    """`day`, or the Monday after it when it falls on a weekend."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _at(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def first_slot(now: datetime, tz: ZoneInfo, minutes: int = 60) -> datetime:
    """The first on-the-hour start in working hours at least LEAD from now."""
    day = now.astimezone(tz).date()
    while True:
        day = working_day(day)
        for hour in range(OPENS.hour, FINISH.hour):
            starts = _at(day, time(hour), tz)
            ends_local = (starts + timedelta(minutes=minutes)).astimezone(tz)
            if starts >= now + LEAD and ends_local.time() <= FINISH:
                return starts
        day += timedelta(days=1)


def held_slot(now: datetime, tz: ZoneInfo) -> datetime:
    """Last week's session: 10:00 on a working day five to seven days ago."""
    return _at(working_day(now.astimezone(tz).date() - timedelta(days=7)), time(10, 0), tz)


def coming_week(now: datetime, tz: ZoneInfo) -> list[Slot]:
    """Three sessions in the coming days, in working hours, whatever the time it is now:
    the first soon (so that --speed shows its summary and reminders within minutes), then
    one every other working day."""
    first = first_slot(now, tz)
    second = working_day(first.astimezone(tz).date() + timedelta(days=2))
    third = working_day(second + timedelta(days=2))
    return [
        Slot(first, 60, PLACE),
        Slot(_at(second, time(14, 0), tz), 75, "Riverside café"),
        Slot(_at(third, time(10, 0), tz), 60, PLACE),
    ]


async def existing_cast(db: Database) -> dict[str, tuple[int, str]] | None:
    """The people of an earlier sandbox run in this database, or None for a new one."""
    async with UnitOfWork(db) as uow:
        value = await uow.bot_info.get(CAST_KEY)
        if value is not None:
            return {role: (int(tg), name) for role, (tg, name) in json.loads(value).items()}
        people = await uow.session.scalar(select(func.count()).select_from(Person))
    if people:
        raise NotASandbox()
    return None


def reuse(api: LocalBotApi, cast: dict[str, tuple[int, str]]) -> list[Actor]:
    """The earlier run's people, with the same Telegram accounts."""
    return [
        Actor(role, name, api.person(name, user_id=telegram_id))
        for role, (telegram_id, name) in cast.items()
    ]


async def seed(chat: Chat, db: Database, settings: Settings) -> list[Actor]:
    """Join the three people by invitation, then give the peer's programme its sessions."""
    api, clock, days = chat.api, chat.clock, settings.invitation_days
    # Their Telegram speaks the deployment's language, so the bot greets them in it.
    language = settings.default_language
    actors = {
        role: Actor(role, name, api.person(name, language_code=language))
        for role, name in NAMES.items()
    }
    chat.cast(list(actors.values()))
    coordinator, worker, peer = actors["coordinator"], actors["worker"], actors["peer"]

    async with UnitOfWork(db) as uow:
        issued = await onboarding.invite_coordinator(uow, now=clock(), days=days)
    await chat.send(coordinator, f"/start {issued.token}", shown=_("/start <invitation>"))
    async with UnitOfWork(db) as uow:
        issued = await onboarding.invite_worker(
            uow, coordinator.person.user_id, now=clock(), days=days
        )
    await chat.send(worker, f"/start {issued.token}", shown=_from(coordinator))
    async with UnitOfWork(db) as uow:
        issued = await onboarding.add_peer(
            uow,
            worker.person.user_id,
            peer.name,
            now=clock(),
            days=days,
            planned_sessions=settings.programme_sessions,
        )
    await chat.send(peer, f"/start {issued.token}", shown=_from(worker))

    sessions = await _programme(db, peer.person.user_id, clock(), settings.tz)
    async with UnitOfWork(db) as uow:
        await referrals.refer(uow, coordinator.person.user_id, REFERRAL, now=clock() - WAITED)
    async with UnitOfWork(db) as uow:
        cast = {a.role: [a.person.user_id, a.name] for a in actors.values()}
        await uow.bot_info.put(CAST_KEY, json.dumps(cast))
        await uow.commit()
    when = "; ".join(
        f"{_stamp(s.starts_at.astimezone(settings.tz))}, {s.place}" for s in sessions[1:]
    )
    programme = _n(
        "{worker} and {peer} have a programme of {n} session: one held last week, "
        "and coming up: {when}",
        "{worker} and {peer} have a programme of {n} sessions: one held last week, "
        "and coming up: {when}",
        settings.programme_sessions,
        worker=worker.name,
        peer=peer.name,
        when=when,
    )
    referral = _n(
        "{name}, referred by their GP {n} day ago, is waiting to be matched",
        "{name}, referred by their GP {n} days ago, is waiting to be matched",
        WAITED.days,
        name=REFERRED,
    )
    chat.screen.say(f"({programme}. {referral})")
    return list(actors.values())


def _from(sender: Actor) -> str:
    """What opening an invitation from `sender` shows instead of its token."""
    return _("/start <invitation from {name}>", name=sender.name)


async def _programme(
    db: Database, peer_telegram_id: int, now: datetime, tz: ZoneInfo
) -> list[PeerSession]:
    """A held session last week with the worker's note, a strategy logged since, and three
    sessions in the coming week."""
    async with UnitOfWork(db) as uow:
        peer = await uow.people.by_telegram_id(peer_telegram_id)
        assert peer is not None
        programme = await uow.programmes.current_for_peer(peer.id)
        assert programme is not None
        held_at = held_slot(now, tz)
        programme.started_at = held_at - timedelta(days=1)
        sessions = [
            PeerSession(
                programme_id=programme.id,
                starts_at=held_at,
                duration_minutes=60,
                place=PLACE,
                state="held",
                confirmed_at=held_at - timedelta(days=1),
                outcome_at=held_at + timedelta(minutes=75),
                outcome_note="Sam would like to try a short walk after lunch.",
                created_at=programme.started_at,
            ),
        ]
        sessions += [
            PeerSession(
                programme_id=programme.id,
                starts_at=slot.starts_at,
                duration_minutes=slot.minutes,
                place=slot.place,
                state="scheduled",
                created_at=held_at,
            )
            for slot in coming_week(now, tz)
        ]
        uow.session.add_all(sessions)
        walk = Strategy(
            peer_id=peer.id,
            name="A short walk after lunch",
            created_at=held_at + timedelta(days=1),
            last_used_at=held_at + timedelta(days=2),
        )
        uow.strategies.add(walk)
        await uow.strategies.log(walk, outcome="helped", note=None, logged_at=walk.last_used_at)
        await uow.commit()
    return sessions
