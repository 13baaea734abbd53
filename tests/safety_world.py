"""A small world for lone-working check-in tests (SPEC §8): a team with two coordinators,
a worker who has check-ins on, engines on the scheduler's clock, a local Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.localapi import LocalBotApi
from bot.services import delivery_ahead, safety
from bot.services.safety_plan import SafetyConfig
from scheduler.engine import DeliveryEngine
from scheduler.sending import Sender
from storage.db import Database
from storage.models import Delivery, PeerSession, Person, Programme, SafetyCheckin, WorkerPrefs
from storage.uow import UnitOfWork
from storage.uow_notes import Touched
from tests import factories
from tests.deliveries_world import World, local_bot, london, make_world

GRACE = timedelta(minutes=15)
CONFIG = SafetyConfig(True, GRACE)
SESSION = london(2026, 6, 10, 10)  # Wednesday 10:00, an hour long
ENDS = SESSION + timedelta(hours=1)
NOW = london(2026, 6, 8, 12)  # the Monday before
MINUTE = timedelta(minutes=1)


@dataclass
class Safety:
    w: World
    second: Person  # another coordinator

    def uow(self, now: datetime) -> UnitOfWork:
        """A unit of work as the bot's handlers get it: its commit plans what it changed."""

        async def planner(uow: UnitOfWork, touched: Touched) -> None:
            await delivery_ahead.replan(
                uow, touched, now=now, default_timezone="Europe/London", safety=CONFIG
            )

        return UnitOfWork(self.w.db, planner=planner)

    def engine(self, owner: str = "engine-a", **kwargs: object) -> DeliveryEngine:
        sender = Sender(self.w.bot, sleep=self.w.fake_sleep)
        return DeliveryEngine(
            self.w.db,
            sender,
            owner=owner,
            default_timezone="Europe/London",
            safety=CONFIG,
            **kwargs,  # type: ignore[arg-type]
        )

    async def run(self, start: datetime, end: datetime, step: timedelta) -> None:
        """Tick every `step` from `start` to `end`; each tick a new engine (a restart)."""
        now = start
        while now <= end:
            await self.engine().tick(now)
            now += step

    async def turn_on(self, now: datetime, on: bool = True) -> None:
        async with self.uow(now) as uow:
            prefs = await uow.session.get(WorkerPrefs, self.w.worker.id)
            if prefs is None:
                uow.session.add(WorkerPrefs(person_id=self.w.worker.id, safety_checkins=on))
            else:
                prefs.safety_checkins = on
            await uow.commit()

    async def book(self, starts_at: datetime, now: datetime, place: str = "Riverside café") -> int:
        async with self.uow(now) as uow:
            programme = await uow.session.get(Programme, self.w.programme_id)
            assert programme is not None
            row = await factories.session(uow, programme, starts_at, now=now, place=place)
            await uow.commit()
            return row.id

    async def move(self, session_id: int, starts_at: datetime, now: datetime) -> None:
        async with self.uow(now) as uow:
            row = await uow.session.get(PeerSession, session_id)
            assert row is not None
            row.starts_at, row.version = starts_at, row.version + 1
            await uow.commit()

    async def checkin(self, session_id: int | None = None) -> SafetyCheckin:
        async with UnitOfWork(self.w.db) as uow:
            stmt = select(SafetyCheckin).order_by(SafetyCheckin.id.desc())
            if session_id is not None:
                stmt = stmt.where(SafetyCheckin.session_id == session_id)
            found = await uow.session.scalar(stmt)
            assert found is not None
            return found

    async def safe(self, checkin_id: int, now: datetime) -> bool:
        assert self.w.worker.telegram_id is not None
        async with self.uow(now) as uow:
            return await safety.press_safe(
                uow, self.w.worker.telegram_id, checkin_id, now=now, config=CONFIG
            )

    async def handle(self, coordinator: Person, checkin_id: int, now: datetime) -> object:
        assert coordinator.telegram_id is not None
        async with self.uow(now) as uow:
            return await safety.handle(
                uow, coordinator.telegram_id, checkin_id, now=now, config=CONFIG
            )

    def texts(self, person: Person) -> list[str]:
        """The safety messages a person got (not their summaries or outcome prompts)."""
        return [x for x in self.w.to(person) if "safe" in x.casefold()]

    async def ledger(self) -> list[Delivery]:
        return [d for d in await self.w.ledger() if d.checkin_id is not None]


@asynccontextmanager
async def safety_world(db: Database) -> AsyncIterator[Safety]:
    """The world (deliveries_world) on a local Bot API server, and a second coordinator."""
    async with LocalBotApi() as api, local_bot(api) as bot:
        w = await make_world(db, api, bot, now=london(2026, 6, 1))
        async with UnitOfWork(w.db) as uow:
            second = await factories.person(
                uow, "coordinator", "Alex", telegram_id=504, now=london(2026, 6, 1)
            )
            await uow.commit()
        yield Safety(w, second)


def alerts(texts: list[str]) -> list[str]:
    return [x for x in texts if x.startswith("Safety alert")]
