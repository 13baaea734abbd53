"""A small world for delivery tests: a team, a session, a local Bot API, an engine.

seed_due_reminders (drills.common) gives many peers a reminder due at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from telegram import Bot

from bot.localapi import BotMessage, LocalBotApi
from bot.services import reminders
from drills.common import seed_due_reminders
from scheduler.engine import DeliveryEngine
from scheduler.sending import Sender
from storage.db import Database
from storage.models import Delivery, PeerSession, Person, Programme, SessionState
from storage.uow import UnitOfWork
from tests import factories

__all__ = ["LONDON", "World", "local_bot", "london", "make_world", "seed_due_reminders"]

LONDON = ZoneInfo("Europe/London")


def london(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A London wall-clock moment, as UTC."""
    return datetime(y, mo, d, h, mi, tzinfo=LONDON).astimezone(UTC)


@dataclass
class World:
    db: Database
    api: LocalBotApi
    bot: Bot
    coordinator: Person
    worker: Person
    peer: Person
    programme_id: int
    sleeps: list[float] = field(default_factory=list)

    async def fake_sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def engine(self, owner: str = "engine-a", **kwargs: object) -> DeliveryEngine:
        read_timeout = kwargs.pop("read_timeout", None)
        sender = Sender(self.bot, sleep=self.fake_sleep, read_timeout=read_timeout)  # type: ignore[arg-type]
        return DeliveryEngine(
            self.db,
            sender,
            owner=owner,
            default_timezone="Europe/London",
            **kwargs,  # type: ignore[arg-type]
        )

    async def session(
        self, starts_at: datetime, *, minutes: int = 60, place: str | None = "Community room"
    ) -> int:
        async with UnitOfWork(self.db) as uow:
            programme = await uow.session.get(Programme, self.programme_id)
            assert programme is not None
            row = await factories.session(
                uow,
                programme,
                starts_at,
                now=starts_at - timedelta(days=7),
                minutes=minutes,
                place=place,
            )
            await uow.commit()
            return row.id

    async def change_session(self, session_id: int, **values: object) -> None:
        async with UnitOfWork(self.db) as uow:
            row = await uow.session.get(PeerSession, session_id)
            assert row is not None
            for name, value in values.items():
                setattr(row, name, value)
            await uow.commit()

    async def move(self, session_id: int, starts_at: datetime) -> None:
        async with UnitOfWork(self.db) as uow:
            row = await uow.session.get(PeerSession, session_id)
            assert row is not None
            row.starts_at, row.version, row.times_moved = (
                starts_at,
                row.version + 1,
                row.times_moved + 1,
            )
            await uow.commit()

    async def cancel(self, session_id: int, now: datetime) -> None:
        await self.change_session(
            session_id, state=SessionState.CANCELLED, cancelled_at=now, cancelled_by="peer"
        )

    async def choose(self, *choices: str, now: datetime, **times: time) -> None:
        """The peer turns reminders on, as /reminders would."""
        assert self.peer.telegram_id is not None
        async with UnitOfWork(self.db) as uow:
            for choice in choices:
                await reminders.turn_on(uow, self.peer.telegram_id, choice, now=now)
        for choice, at in times.items():
            async with UnitOfWork(self.db) as uow:
                await reminders.set_time(uow, self.peer.telegram_id, choice, at, now=now)

    def to(self, person: Person) -> list[str]:
        assert person.telegram_id is not None
        return [m.text or "" for m in self.api.chat(person.telegram_id)]

    def sent_to(self, person: Person) -> list[BotMessage]:
        assert person.telegram_id is not None
        return self.api.chat(person.telegram_id)

    async def ledger(self) -> list[Delivery]:
        async with UnitOfWork(self.db) as uow:
            return list(await uow.session.scalars(select(Delivery).order_by(Delivery.id)))

    async def person(self, person_id: int) -> Person:
        async with UnitOfWork(self.db) as uow:
            found = await uow.people.get(person_id)
            assert found is not None
            return found

    async def run(self, start: datetime, end: datetime, step: timedelta, **kwargs: object) -> None:
        """Tick every `step` from `start` to `end`, as the JobQueue would."""
        engine = self.engine(**kwargs)
        now = start
        while now <= end:
            await engine.tick(now)
            now += step


def local_bot(api: LocalBotApi) -> Bot:
    return Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url)


async def make_world(db: Database, api: LocalBotApi, bot: Bot, *, now: datetime) -> World:
    async with UnitOfWork(db) as uow:
        coordinator = await factories.person(uow, "coordinator", "Chris", telegram_id=501, now=now)
        worker = await factories.person(uow, "worker", "Wren", telegram_id=502, now=now)
        peer = await factories.person(uow, "peer", "Sam", telegram_id=503, now=now)
        programme = await factories.programme(uow, peer, worker, now=now)
        await uow.commit()
    return World(db, api, bot, coordinator, worker, peer, programme.id)
