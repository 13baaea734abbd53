"""Invitations at the service level: tokens, expiry, single use, one role per account."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.services import onboarding
from bot.services.errors import AlreadyJoined, InvitationInvalid, NotAllowed, NotJoined
from storage.db import Database
from storage.uow import UnitOfWork

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def coordinator_token(db: Database, now: datetime = NOW) -> str:
    async with UnitOfWork(db) as uow:
        return (await onboarding.invite_coordinator(uow, now=now, days=14)).token


async def join(
    db: Database, token: str, telegram_id: int, now: datetime = NOW
) -> onboarding.Joined:
    async with UnitOfWork(db) as uow:
        return await onboarding.join(
            uow,
            token,
            telegram_id=telegram_id,
            first_name="Chris",
            now=now,
            timezone="Europe/London",
        )


async def test_tokens_carry_at_least_128_random_bits_and_differ(db: Database) -> None:
    tokens = {await coordinator_token(db) for _ in range(20)}
    assert len(tokens) == 20
    assert all(onboarding.TOKEN_PATTERN.fullmatch(t) and len(t) >= 22 for t in tokens)


async def test_an_invitation_works_until_its_expiry(db: Database) -> None:
    token = await coordinator_token(db)
    joined = await join(db, token, 1001, now=NOW + timedelta(days=14, seconds=-1))
    assert joined.role == "coordinator" and joined.name == "Chris"


async def test_an_invitation_expires_after_14_days(db: Database) -> None:
    token = await coordinator_token(db)
    with pytest.raises(InvitationInvalid) as caught:
        await join(db, token, 1001, now=NOW + timedelta(days=14))
    assert caught.value.reason == "expired"


async def test_an_invitation_is_single_use(db: Database) -> None:
    token = await coordinator_token(db)
    await join(db, token, 1001)
    with pytest.raises(InvitationInvalid) as caught:
        await join(db, token, 1002)
    assert caught.value.reason == "used"


async def test_the_same_link_opened_twice_at_once_joins_only_one(db: Database) -> None:
    token = await coordinator_token(db)
    results = await asyncio.gather(
        join(db, token, 2001), join(db, token, 2002), return_exceptions=True
    )
    joined = [r for r in results if isinstance(r, onboarding.Joined)]
    assert len(joined) == 1
    async with UnitOfWork(db) as uow:
        assert await uow.people.count_by_role("coordinator") == 1


async def test_a_joined_account_keeps_its_one_role_and_the_invitation_stays_open(
    db: Database,
) -> None:
    await join(db, await coordinator_token(db), 1001)
    second = await coordinator_token(db)
    with pytest.raises(AlreadyJoined):
        await join(db, second, 1001)
    assert (await join(db, second, 1002)).role == "coordinator"


async def test_only_coordinators_invite_workers_and_only_workers_add_peers(db: Database) -> None:
    await join(db, await coordinator_token(db), 1001)
    async with UnitOfWork(db) as uow:
        with pytest.raises(NotAllowed):
            await onboarding.add_peer(uow, 1001, "Sam", now=NOW, days=14, planned_sessions=10)
    async with UnitOfWork(db) as uow:
        with pytest.raises(NotJoined):
            await onboarding.invite_worker(uow, 999, now=NOW, days=14)
    async with UnitOfWork(db) as uow:
        issued = await onboarding.invite_worker(uow, 1001, now=NOW, days=14)
    await join(db, issued.token, 1002)
    async with UnitOfWork(db) as uow:
        with pytest.raises(NotAllowed):
            await onboarding.invite_worker(uow, 1002, now=NOW, days=14)


async def test_a_peer_joins_the_programme_their_worker_made(db: Database) -> None:
    await join(db, await coordinator_token(db), 1001)
    async with UnitOfWork(db) as uow:
        worker_token = (await onboarding.invite_worker(uow, 1001, now=NOW, days=14)).token
    await join(db, worker_token, 1002)
    async with UnitOfWork(db) as uow:
        issued = await onboarding.add_peer(
            uow, 1002, " Sam  T ", now=NOW, days=14, planned_sessions=8
        )
    assert issued.peer_name == "Sam T"
    joined = await join(db, issued.token, 1003)
    assert (joined.role, joined.name, joined.worker_name) == ("peer", "Sam T", "Chris")
    async with UnitOfWork(db) as uow:
        peer = await uow.people.by_telegram_id(1003)
        assert peer is not None
        programme = await uow.programmes.current_for_peer(peer.id)
        assert programme is not None and programme.planned_sessions == 8
