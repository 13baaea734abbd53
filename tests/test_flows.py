"""Declared flows: where a person is, moving on only from what was read, and expiry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.services import flows
from bot.services.errors import Stale
from bot.services.flows import LOG, SCHEDULE, LogData, LogStep, ScheduleData, ScheduleStep
from storage.db import Database
from storage.uow import UnitOfWork
from tests import factories
from tests.conftest import Clock


async def _worker(db: Database, clock: Clock) -> int:
    async with UnitOfWork(db) as uow:
        worker = await factories.person(uow, "worker", "Wren", telegram_id=1, now=clock())
        await uow.commit()
        return worker.id


async def test_a_flow_is_at_the_step_it_was_put_at_with_its_typed_data(
    db: Database, clock: Clock
) -> None:
    worker = await _worker(db, clock)
    async with UnitOfWork(db) as uow:
        data = ScheduleData(programme_id=7, day=date(2026, 3, 29))
        await flows.begin(uow, worker, SCHEDULE, ScheduleStep.TIME, data, now=clock())
        await uow.commit()
    async with UnitOfWork(db) as uow:
        found = await flows.at(uow, worker, SCHEDULE, ScheduleStep.TIME, now=clock())
        where = await flows.where(uow, worker, now=clock())
        elsewhere = await flows.at(uow, worker, SCHEDULE, ScheduleStep.PLACE, now=clock())
        other_flow = await flows.at(uow, worker, LOG, now=clock())
    assert found is not None
    assert found.data == data and found.data.day == date(2026, 3, 29)
    assert where == flows.Where(flows.Flow.SCHEDULE, "time")
    assert elsewhere is None and other_flow is None


async def test_a_second_move_from_the_same_read_is_stale(db: Database, clock: Clock) -> None:
    worker = await _worker(db, clock)
    async with UnitOfWork(db) as uow:
        await flows.begin(uow, worker, LOG, LogStep.STRATEGY, LogData(n=3), now=clock())
        await uow.commit()
    async with UnitOfWork(db) as uow:
        read = await flows.need(uow, worker, LOG, LogStep.STRATEGY, now=clock())
    clock.advance(seconds=1)
    async with UnitOfWork(db) as uow:
        await flows.advance(
            uow, worker, LOG, read, LogStep.OUTCOME, LogData(n=3, name="A walk"), now=clock()
        )
        await uow.commit()
    async with UnitOfWork(db) as uow:
        with pytest.raises(Stale):
            await flows.advance(
                uow, worker, LOG, read, LogStep.OUTCOME, LogData(n=3, name="Other"), now=clock()
            )
        now_at = await flows.need(uow, worker, LOG, now=clock())
    assert now_at.step == LogStep.OUTCOME and now_at.data.name == "A walk"


async def test_a_flow_left_a_day_is_over_and_ending_it_says_whether_there_was_one(
    db: Database, clock: Clock
) -> None:
    worker = await _worker(db, clock)
    async with UnitOfWork(db) as uow:
        await flows.begin(uow, worker, LOG, LogStep.NOTE, LogData(n=1), now=clock())
        await uow.commit()
    later = clock() + flows.FLOW_LIFETIME + timedelta(seconds=1)
    async with UnitOfWork(db) as uow:
        assert await flows.at(uow, worker, LOG, now=later) is None
        assert await flows.where(uow, worker, now=later) is None
        assert await flows.end(uow, worker, SCHEDULE) is False
        assert await flows.end(uow, worker, LOG) is True
        assert await flows.end(uow, worker) is False
        await uow.commit()


async def test_data_of_another_shape_is_not_taken_for_a_flows_data(
    db: Database, clock: Clock
) -> None:
    worker = await _worker(db, clock)
    async with UnitOfWork(db) as uow:
        await uow.conversations.start(worker, "log", "note", {"n": "not a number"}, clock())
        await uow.commit()
    async with UnitOfWork(db) as uow:
        assert await flows.at(uow, worker, LOG, now=clock()) is None


async def test_two_moves_from_one_read_in_the_same_instant_move_once(
    db: Database, clock: Clock
) -> None:
    worker = await _worker(db, clock)
    async with UnitOfWork(db) as uow:
        await flows.begin(uow, worker, LOG, LogStep.OUTCOME, LogData(n=1), now=clock())
        await uow.commit()
    async with UnitOfWork(db) as uow:
        read = await flows.need(uow, worker, LOG, LogStep.OUTCOME, now=clock())
    # The clock does not move: a timestamp alone could not tell these two apart.
    async with UnitOfWork(db) as uow:
        await flows.advance(uow, worker, LOG, read, LogStep.OUTCOME, LogData(n=1), now=clock())
        await uow.commit()
    async with UnitOfWork(db) as uow:
        with pytest.raises(Stale):
            await flows.advance(uow, worker, LOG, read, LogStep.OUTCOME, LogData(n=1), now=clock())
        assert await flows.end(uow, worker, LOG, read=read) is False
        assert await flows.at(uow, worker, LOG, now=clock()) is not None
