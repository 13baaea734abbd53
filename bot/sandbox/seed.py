"""The sandbox's people: a coordinator, a peer worker and a peer, joined the real way.

Invitations come from the onboarding service and each person opens theirs with
`/start <token>` through the local Bot API, exactly as on Telegram. The programme's
sessions are inserted as rows (a held one last week, a few in the coming week), so the
sandbox does not depend on how scheduling asks its questions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.config import Settings
from bot.localapi import LocalBotApi
from bot.sandbox.chat import Chat
from bot.sandbox.screen import Actor
from bot.services import onboarding
from storage.db import Database
from storage.models import PeerSession, Person, Strategy
from storage.uow import UnitOfWork

# Marks a database as the sandbox's own and remembers its people's accounts, so that
# `--db FILE` can carry on where the last run stopped, and never touches a real one.
CAST_KEY = "sandbox_cast"
NAMES = {"coordinator": "Chris", "worker": "Wren", "peer": "Sam"}
PLACE = "Community room"


class NotASandbox(Exception):
    """The database holds people the sandbox did not make."""


@dataclass(frozen=True)
class Slot:
    days: int
    at: time
    minutes: int
    place: str


UPCOMING = (Slot(3, time(14, 0), 75, "Riverside café"), Slot(6, time(10, 0), 60, PLACE))


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
    actors = {role: Actor(role, name, api.person(name)) for role, name in NAMES.items()}
    chat.cast(list(actors.values()))
    coordinator, worker, peer = actors["coordinator"], actors["worker"], actors["peer"]

    async with UnitOfWork(db) as uow:
        issued = await onboarding.invite_coordinator(uow, now=clock(), days=days)
    await chat.send(coordinator, f"/start {issued.token}", shown="/start <invitation>")
    async with UnitOfWork(db) as uow:
        issued = await onboarding.invite_worker(
            uow, coordinator.person.user_id, now=clock(), days=days
        )
    await chat.send(worker, f"/start {issued.token}", shown="/start <invitation from Chris>")
    async with UnitOfWork(db) as uow:
        issued = await onboarding.add_peer(
            uow,
            worker.person.user_id,
            peer.name,
            now=clock(),
            days=days,
            planned_sessions=settings.programme_sessions,
        )
    await chat.send(peer, f"/start {issued.token}", shown="/start <invitation from Wren>")

    sessions = await _programme(db, peer.person.user_id, clock(), settings.tz)
    async with UnitOfWork(db) as uow:
        cast = {a.role: [a.person.user_id, a.name] for a in actors.values()}
        await uow.bot_info.put(CAST_KEY, json.dumps(cast))
        await uow.commit()
    when = "; ".join(
        f"{s.starts_at.astimezone(settings.tz):%a %-d %b %H:%M}, {s.place}" for s in sessions[1:]
    )
    chat.screen.say(
        f"(Wren and Sam have a programme of {settings.programme_sessions} sessions: "
        f"one held last week, and coming up: {when})"
    )
    return list(actors.values())


def _local(day: datetime, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day.date(), at, tzinfo=tz).astimezone(UTC)


def _soon(now: datetime, tz: ZoneInfo) -> datetime:
    """A session two to three hours from now (on the hour), whatever the time of day, so
    that with --speed its summary, reminders and outcome prompt show within minutes."""
    local = now.astimezone(tz) + timedelta(hours=3)
    return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)


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
        last_week = now - timedelta(days=6)
        programme.started_at = last_week - timedelta(days=1)
        held_at = _local(last_week, time(10, 0), tz)
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
            PeerSession(
                programme_id=programme.id,
                starts_at=_soon(now, tz),
                duration_minutes=60,
                place=PLACE,
                state="scheduled",
                created_at=held_at,
            ),
        ]
        sessions += [
            PeerSession(
                programme_id=programme.id,
                starts_at=_local(now + timedelta(days=slot.days), slot.at, tz),
                duration_minutes=slot.minutes,
                place=slot.place,
                state="scheduled",
                created_at=held_at,
            )
            for slot in UPCOMING
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
