"""Double taps and racing replicas: each change happens once, the other press is told so."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.services import reminders, strategies, worker_settings
from bot.services.errors import BadInput, Stale
from storage.db import Database
from storage.models import ReminderPrefs, Strategy, StrategyEntry
from storage.uow import UnitOfWork
from tests import factories

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
SAM = 101


async def _peer(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        wren = await factories.person(uow, "worker", "Wren", telegram_id=201, now=NOW)
        sam = await factories.person(uow, "peer", "Sam", telegram_id=SAM, now=NOW)
        await factories.programme(uow, sam, wren, now=NOW)
        await uow.commit()


async def _count(db: Database, model: type) -> int:
    async with UnitOfWork(db) as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def _at_the_note(db: Database, strategy: str) -> int:
    async with UnitOfWork(db) as uow:
        start = await strategies.start_log(uow, SAM, now=NOW)
        await strategies.type_strategy(uow, SAM, strategy, now=NOW)
        await strategies.choose_outcome(uow, SAM, start.nonce, "helped", now=NOW)
    return start.nonce


async def _skip(db: Database, nonce: int) -> strategies.Logged:
    async with UnitOfWork(db) as uow:
        return await strategies.finish_log(uow, SAM, nonce, None, now=NOW)


async def test_skip_pressed_twice_at_once_saves_one_entry_and_one_strategy(db: Database) -> None:
    await _peer(db)
    nonce = await _at_the_note(db, "Walk")
    results = await asyncio.gather(_skip(db, nonce), _skip(db, nonce), return_exceptions=True)
    saved = [r for r in results if isinstance(r, strategies.Logged)]
    refused = [r for r in results if isinstance(r, BadInput)]
    assert len(saved) == 1 and [r.problem for r in refused] == ["log_stale"]
    assert await _count(db, StrategyEntry) == 1 and await _count(db, Strategy) == 1


async def test_skip_pressed_again_after_saving_is_already_over(db: Database) -> None:
    await _peer(db)
    nonce = await _at_the_note(db, "Walk")
    await _skip(db, nonce)
    try:
        await _skip(db, nonce)
    except BadInput as refused:
        assert refused.problem == "log_stale"
    else:
        raise AssertionError("a second Skip saved another entry")
    assert await _count(db, StrategyEntry) == 1


async def _toggle(db: Database) -> reminders.ReminderChoice:
    async with UnitOfWork(db) as uow:
        return await reminders.toggle(uow, SAM, reminders.DAY_BEFORE, now=NOW)


async def test_a_reminder_toggled_twice_at_once_changes_once_and_the_other_is_stale(
    db: Database,
) -> None:
    await _peer(db)
    results = await asyncio.gather(_toggle(db), _toggle(db), return_exceptions=True)
    done = [r for r in results if isinstance(r, reminders.ReminderChoice)]
    assert len(done) + len([r for r in results if isinstance(r, Stale)]) == 2
    async with UnitOfWork(db) as uow:
        rows = list(await uow.session.scalars(select(ReminderPrefs)))
    # Either both went through one after the other (on, then off) or one was refused.
    assert len(rows) == 1 and rows[0].day_before is (len(done) == 1)


async def test_the_reminder_offer_racing_itself_is_made_once(db: Database) -> None:
    await _peer(db)
    async with UnitOfWork(db) as uow:
        sam = await uow.people.by_telegram_id(SAM)
        assert sam is not None

    async def offer() -> bool:
        async with UnitOfWork(db) as uow:
            return await reminders.offer_once(uow, sam.id, now=NOW)

    assert sorted(await asyncio.gather(offer(), offer())) == [False, True]


async def _both(*calls: object) -> tuple[list[object], list[BaseException]]:
    results = await asyncio.gather(*calls, return_exceptions=True)  # type: ignore[call-overload]
    done = [r for r in results if not isinstance(r, BaseException)]
    return done, [r for r in results if isinstance(r, BaseException)]


async def _logged(db: Database) -> strategies.Logged:
    return await _skip(db, await _at_the_note(db, "Walk"))


async def test_yes_remove_pressed_twice_at_once_removes_once_and_says_gone(db: Database) -> None:
    await _peer(db)
    logged = await _logged(db)
    async with UnitOfWork(db) as uow:
        (walk,) = (await strategies.overview(uow, SAM, now=NOW)).strategies

    async def remove() -> strategies.StrategyItem:
        async with UnitOfWork(db) as uow:
            return await strategies.remove_strategy(uow, SAM, walk.id)

    done, refused = await _both(remove(), remove())
    assert done == [strategies.StrategyItem(walk.id, "Walk")]
    assert [getattr(r, "problem", r) for r in refused] == ["strategy_gone"]
    assert await _count(db, Strategy) == 0 and await _count(db, StrategyEntry) == 0
    assert logged.new_strategy


async def test_yes_delete_pressed_twice_at_once_deletes_once_and_says_gone(db: Database) -> None:
    await _peer(db)
    logged = await _logged(db)

    async def delete() -> object:
        async with UnitOfWork(db) as uow:
            return await strategies.delete_entry(uow, SAM, logged.entry_id)

    done, refused = await _both(delete(), delete())
    assert len(done) == 1 and [getattr(r, "problem", r) for r in refused] == ["entry_gone"]
    assert await _count(db, StrategyEntry) == 0


async def test_two_new_names_typed_at_once_rename_once(db: Database) -> None:
    await _peer(db)
    await _logged(db)
    async with UnitOfWork(db) as uow:
        (walk,) = (await strategies.overview(uow, SAM, now=NOW)).strategies
        await strategies.start_rename(uow, SAM, walk.id, now=NOW)

    async def rename(name: str) -> object:
        async with UnitOfWork(db) as uow:
            return await strategies.rename(uow, SAM, name, now=NOW)

    done, refused = await _both(rename("Stroll"), rename("Run"))
    assert len(done) == 1 and [getattr(r, "problem", r) for r in refused] == ["log_stale"]
    old, item = done[0]  # type: ignore[misc]
    async with UnitOfWork(db) as uow:
        names = [s.name for s in (await strategies.overview(uow, SAM, now=NOW)).strategies]
    assert old == "Walk" and names == [item.name]


async def test_a_working_day_toggled_twice_at_once_is_never_lost(db: Database) -> None:
    await _peer(db)

    async def toggle(day: int) -> object:
        async with UnitOfWork(db) as uow:
            return await worker_settings.toggle_day(uow, 201, day)

    done, refused = await _both(toggle(6), toggle(7))
    assert all(isinstance(r, Stale) for r in refused)
    async with UnitOfWork(db) as uow:
        days = (await worker_settings.my_settings(uow, 201)).work_days
    # Saturday and Sunday both added, or the one that lost the race was told so.
    assert days == "1234567" if len(done) == 2 else days in ("123456", "123457")
