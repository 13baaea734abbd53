"""End-to-end harness: the real Application over HTTP against our local Bot API server."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace

import scheduler
from bot.app import PeerbotApp, build_application, start_app, stop_app
from bot.config import Settings
from bot.localapi import ApplicationWatch, LocalBotApi, Person, watch_application
from bot.services import onboarding
from storage.db import Database, open_database
from storage.uow import UnitOfWork
from tests.conftest import Clock

LINK = re.compile(r"https://t\.me/(?P<username>\w+)\?start=(?P<token>[A-Za-z0-9_-]+)")


def token_in(text: str | None) -> str:
    """The invitation token in a message's deep link."""
    found = LINK.search(text or "")
    assert found, f"no invitation link in {text!r}"
    return found["token"]


@dataclass
class Harness:
    api: LocalBotApi
    db: Database
    settings: Settings
    clock: Clock
    app: PeerbotApp | None = None
    people: dict[str, Person] = field(default_factory=dict)
    # Tells the server when the bot is idle, so that people wait for that, not for time.
    watch: ApplicationWatch | None = None
    # The scheduler's own timers run only when a test asks for them (it sets a tick
    # interval); otherwise a tick runs when the test says `await bot.tick()`, so that a
    # tick of the timer never lands between two steps of a test that moved the clock.
    timers: bool = False

    async def start_bot(self) -> None:
        self.app = build_application(self.settings, self.db, clock=self.clock)
        self.watch = watch_application(self.api, self.app)
        if not self.timers and self.app.job_queue is not None:
            for job in self.app.job_queue.jobs():
                job.enabled = False  # paused: `tick()` still runs it
        await start_app(self.app, self.settings, poll_timeout=1)

    async def stop_bot(self) -> None:
        if self.app is not None:
            await stop_app(self.app)
            self.app = None
        if self.watch is not None:
            self.watch.close()
            self.watch = None

    async def tick(self, times: int = 1) -> None:
        """Run the scheduler's tick now (``times`` runs in a row), as its timer would."""
        assert self.watch is not None, "the bot is not running"
        await self.watch.run_job(scheduler.JOB_NAME, times)

    async def restart(self) -> None:
        """Stop the bot and start a fresh process-like Application on the same database."""
        await self.stop_bot()
        await self.start_bot()

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.db)

    async def coordinator_invitation(self) -> str:
        """A coordinator's token, made as `peerbot invite coordinator` makes it."""
        async with self.uow() as uow:
            issued = await onboarding.invite_coordinator(
                uow, now=self.clock(), days=self.settings.invitation_days
            )
        return issued.token

    async def join_coordinator(self, first_name: str = "Chris") -> Person:
        person = self.api.person(first_name)
        await person.send(f"/start {await self.coordinator_invitation()}")
        return person

    async def join_worker(self, coordinator: Person, first_name: str = "Wren") -> Person:
        replies = await coordinator.send("/invite")
        person = self.api.person(first_name)
        await person.send(f"/start {token_in(replies[0].text)}")
        return person

    async def join_peer(self, worker: Person, name: str = "Sam", first_name: str = "Sam") -> Person:
        replies = await worker.send(f"/addpeer {name}")
        person = self.api.person(first_name)
        await person.send(f"/start {token_in(replies[0].text)}")
        return person

    async def team(self) -> tuple[Person, Person, Person]:
        """A coordinator, a peer worker and a peer, each joined by link."""
        coordinator = await self.join_coordinator()
        worker = await self.join_worker(coordinator)
        peer = await self.join_peer(worker)
        return coordinator, worker, peer


def local_settings(api: LocalBotApi, database_url: str) -> Settings:
    """Settings for the bot of a test team, talking to `api`."""
    return Settings(
        telegram_bot_token=api.token,
        telegram_base_url=api.base_url,
        telegram_base_file_url=api.base_file_url,
        database_url=database_url,
        org_name="Riverside Peer Support",
    )


@asynccontextmanager
async def running_bot(
    database_url: str, clock: Clock, **settings: object
) -> AsyncIterator[Harness]:
    async with LocalBotApi() as api:
        base = local_settings(api, database_url)
        harness = Harness(
            api,
            open_database(database_url),
            replace(base, **settings),  # type: ignore[arg-type]
            clock,
            timers="scheduler_tick_seconds" in settings,
        )
        try:
            await harness.start_bot()
            yield harness
        finally:
            await harness.stop_bot()
            await harness.db.dispose()
