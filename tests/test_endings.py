"""Endings at the service level: once means once, whoever races (SPEC §3, §4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.services import ending_questions, endings
from bot.services.errors import BadInput, NotAllowed, Stale
from storage.db import Database
from storage.models import (
    Delivery,
    EndingAnswers,
    PeerSession,
    Programme,
    Strategy,
    StrategyEntry,
)
from storage.uow import UnitOfWork
from tests import factories
from tests.test_statement_counts import counting_statements

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
WORKER_TG, PEER_TG, OTHER_TG = 900_000_001, 900_000_002, 900_000_003


async def world(db: Database) -> int:
    """A worker, their peer Sam with a programme, a session ahead and one long past."""
    async with UnitOfWork(db) as uow:
        worker = await factories.person(uow, "worker", "Wren", telegram_id=WORKER_TG, now=NOW)
        peer = await factories.person(uow, "peer", "Sam", telegram_id=PEER_TG, now=NOW)
        await factories.person(uow, "worker", "Robin", telegram_id=OTHER_TG, now=NOW)
        programme = await factories.programme(uow, peer, worker, now=NOW - timedelta(days=30))
        await factories.session(uow, programme, NOW + timedelta(days=2), now=NOW)
        await factories.session(uow, programme, NOW - timedelta(days=7), now=NOW, state="held")
        await uow.commit()
        return programme.id


async def test_a_programme_is_closed_once_and_its_ending_planned_once(db: Database) -> None:
    programme_id = await world(db)
    async with UnitOfWork(db) as uow:
        done = await endings.close_programme(uow, WORKER_TG, programme_id, "other", now=NOW)
    assert (done.peer_name, done.cancelled) == ("Sam", 1)
    async with UnitOfWork(db) as uow:
        with pytest.raises(BadInput) as error:
            await endings.close_programme(uow, WORKER_TG, programme_id, "moved_on", now=NOW)
        assert error.value.problem == "close_gone"
        await endings.programme_ended(uow, programme_id, now=NOW)  # planning again: no-op
        await uow.commit()
    async with UnitOfWork(db) as uow:
        programme = await uow.session.get(Programme, programme_id)
        states = list(await uow.session.scalars(select(PeerSession.state).order_by(PeerSession.id)))
        keys = list(await uow.session.scalars(select(Delivery.key)))
    assert programme is not None and programme.close_reason == "other"  # the first reason
    assert states == ["cancelled", "held"]  # the past one is as it was
    assert keys == [f"toolbox:programme:{programme_id}"]


async def test_only_the_peers_own_worker_may_close_and_only_with_a_known_reason(
    db: Database,
) -> None:
    programme_id = await world(db)
    async with UnitOfWork(db) as uow:
        with pytest.raises(BadInput):
            await endings.close_programme(uow, OTHER_TG, programme_id, "other", now=NOW)
        with pytest.raises(BadInput):
            await endings.close_programme(uow, WORKER_TG, programme_id, "blame", now=NOW)
        with pytest.raises(NotAllowed):
            await endings.close_programme(uow, PEER_TG, programme_id, "other", now=NOW)
    async with UnitOfWork(db) as uow:
        programme = await uow.session.get(Programme, programme_id)
    assert programme is not None and programme.state == "active"


async def test_the_questions_are_asked_once_even_when_the_toolbox_is_built_again(
    db: Database,
) -> None:
    programme_id = await world(db)
    async with UnitOfWork(db) as uow:
        await endings.close_programme(uow, WORKER_TG, programme_id, "chose_to_stop", now=NOW)
    async with UnitOfWork(db) as uow:
        first = await endings.toolbox_for(uow, programme_id, now=NOW)
    async with UnitOfWork(db) as uow:  # a retry of the same send, before any answer
        retry = await endings.toolbox_for(uow, programme_id, now=NOW)
    assert (first.ask, retry.ask) == (True, True)
    async with UnitOfWork(db) as uow:
        await ending_questions.answer_helped(uow, PEER_TG, programme_id, 2, now=NOW)
    async with UnitOfWork(db) as uow:
        later = await endings.toolbox_for(uow, programme_id, now=NOW)
        with pytest.raises(Stale):  # the same answer twice (a double tap) changes nothing
            await ending_questions.answer_helped(uow, PEER_TG, programme_id, 5, now=NOW)
    assert later.ask is False
    async with UnitOfWork(db) as uow:
        [row] = list(await uow.session.scalars(select(EndingAnswers)))
    assert (row.helped, row.answered_at) == (2, NOW)


async def test_the_toolbox_costs_the_same_statements_for_one_strategy_or_forty(
    db: Database,
) -> None:
    counts = []
    for strategies in (1, 40):
        programme_id = await world(db) if not counts else await another(db)
        async with UnitOfWork(db) as uow:
            programme = await uow.session.get(Programme, programme_id)
            assert programme is not None
            for k in range(strategies):
                row = Strategy(peer_id=programme.peer_id, name=f"S{k}", created_at=NOW,
                               last_used_at=NOW)  # fmt: skip
                uow.session.add(row)
                await uow.flush()
                for outcome in ("helped", "a_bit", "didnt_try"):
                    uow.session.add(
                        StrategyEntry(
                            strategy_id=row.id,
                            peer_id=programme.peer_id,
                            outcome=outcome,
                            logged_at=NOW,
                        )
                    )
            await uow.commit()
        with counting_statements(db) as seen:
            async with UnitOfWork(db) as uow:
                box = await endings.toolbox_for(uow, programme_id, now=NOW)
        assert len(box.strategies) == strategies
        counts.append(len(seen))
    assert counts[0] == counts[1]


async def another(db: Database) -> int:
    async with UnitOfWork(db) as uow:
        worker = await uow.people.by_telegram_id(WORKER_TG)
        assert worker is not None
        peer = await factories.person(uow, "peer", "Alex", telegram_id=900_000_004, now=NOW)
        programme = await factories.programme(uow, peer, worker, now=NOW)
        await uow.commit()
        return programme.id
