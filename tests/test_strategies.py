"""The strategy log, service level: the peer's own list, entries, and the /log flow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.services import strategies as service
from bot.services.errors import BadInput, NotAllowed
from bot.services.flows import Flow
from bot.texts import strategies as texts
from storage.db import Database
from storage.models import Conversation, Strategy, StrategyEntry
from storage.uow import UnitOfWork
from tests import factories

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
SAM, ALEX, WREN = 101, 102, 201


async def team(db: Database) -> None:
    async with UnitOfWork(db) as uow:
        wren = await factories.person(uow, "worker", "Wren", telegram_id=WREN, now=NOW)
        for tid, name in ((SAM, "Sam"), (ALEX, "Alex")):
            peer = await factories.person(uow, "peer", name, telegram_id=tid, now=NOW)
            await factories.programme(uow, peer, wren, now=NOW)
        await uow.commit()


async def log(
    db: Database,
    telegram_id: int,
    strategy: str | int,
    outcome: str,
    note: str | None = None,
    *,
    now: datetime = NOW,
) -> service.Logged:
    """The whole /log flow: a typed name or a picked id, how it went, then note or Skip."""
    async with UnitOfWork(db) as uow:
        start = await service.start_log(uow, telegram_id, now=now)
        if isinstance(strategy, int):
            await service.pick_strategy(uow, telegram_id, start.nonce, strategy, now=now)
        else:
            await service.type_strategy(uow, telegram_id, strategy, now=now)
        await service.choose_outcome(uow, telegram_id, start.nonce, outcome, now=now)
        return await service.finish_log(uow, telegram_id, start.nonce, note, now=now)


async def count(db: Database, model: type) -> int:
    async with UnitOfWork(db) as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
async def db_team(db: Database) -> Database:
    await team(db)
    return db


async def test_a_typed_strategy_joins_the_list_with_its_entry(db_team: Database) -> None:
    logged = await log(db_team, SAM, "  Walk   after lunch ", "helped", "felt calmer")
    assert (logged.name, logged.outcome, logged.note, logged.new_strategy) == (
        "Walk after lunch",
        "helped",
        "felt calmer",
        True,
    )
    async with UnitOfWork(db_team) as uow:
        entry = await uow.session.get(StrategyEntry, logged.entry_id)
        assert entry is not None and entry.logged_at == NOW
        assert await uow.conversations.get(entry.peer_id) is None


async def test_the_list_offered_is_the_peers_own_most_recently_used_first(
    db_team: Database,
) -> None:
    await log(db_team, SAM, "Walk", "helped", now=NOW - timedelta(days=2))
    await log(db_team, SAM, "Breathing", "a_bit", now=NOW - timedelta(days=1))
    await log(db_team, ALEX, "Alex's own idea", "helped")
    walk = await log(db_team, SAM, "walk", "didnt_help", now=NOW)  # same strategy, any case
    assert walk.new_strategy is False and walk.name == "Walk"
    async with UnitOfWork(db_team) as uow:
        start = await service.start_log(uow, SAM, now=NOW)
    assert [s.name for s in start.strategies] == ["Walk", "Breathing"]


async def test_picking_a_strategy_logs_another_entry_of_it(db_team: Database) -> None:
    first = await log(db_team, SAM, "Walk", "helped")
    async with UnitOfWork(db_team) as uow:
        (walk,) = (await service.start_log(uow, SAM, now=NOW)).strategies
    again = await log(db_team, SAM, walk.id, "didnt_try", "rained all week")
    assert again.name == "Walk" and again.entry_id != first.entry_id
    assert await count(db_team, Strategy) == 1 and await count(db_team, StrategyEntry) == 2


async def test_a_strategy_over_200_characters_is_refused_and_the_flow_waits(
    db_team: Database,
) -> None:
    async with UnitOfWork(db_team) as uow:
        await service.start_log(uow, SAM, now=NOW)
        with pytest.raises(BadInput) as refused:
            await service.type_strategy(uow, SAM, "x" * 201, now=NOW)
    assert refused.value.problem == "strategy_too_long"
    assert refused.value.details == {"limit": 200, "length": 201}
    async with UnitOfWork(db_team) as uow:
        with pytest.raises(BadInput, match="strategy_missing"):
            await service.type_strategy(uow, SAM, "   ", now=NOW)
        step = await service.type_strategy(uow, SAM, "y" * 200, now=NOW)
    assert step.name == "y" * 200


async def test_a_note_over_500_characters_is_refused_and_nothing_is_saved(
    db_team: Database,
) -> None:
    async with UnitOfWork(db_team) as uow:
        start = await service.start_log(uow, SAM, now=NOW)
        await service.type_strategy(uow, SAM, "Walk", now=NOW)
        await service.choose_outcome(uow, SAM, start.nonce, "helped", now=NOW)
        with pytest.raises(BadInput, match="note_too_long"):
            await service.finish_log(uow, SAM, None, "n" * 501, now=NOW)
        with pytest.raises(BadInput, match="note_missing"):
            await service.finish_log(uow, SAM, None, "  \n ", now=NOW)
    assert await count(db_team, Strategy) == 0 and await count(db_team, StrategyEntry) == 0
    async with UnitOfWork(db_team) as uow:
        logged = await service.finish_log(uow, SAM, None, "n" * 500, now=NOW)
    assert logged.note == "n" * 500


async def test_an_abandoned_typed_strategy_is_not_kept(db_team: Database) -> None:
    async with UnitOfWork(db_team) as uow:
        await service.start_log(uow, SAM, now=NOW)
        await service.type_strategy(uow, SAM, "Half a thought", now=NOW)
        await service.leave_flow(uow, SAM, Flow.LOG)
    assert await count(db_team, Strategy) == 0 and await count(db_team, Conversation) == 0


async def test_a_button_of_an_earlier_flow_changes_nothing(db_team: Database) -> None:
    async with UnitOfWork(db_team) as uow:
        old = await service.start_log(uow, SAM, now=NOW)
        new = await service.start_log(uow, SAM, now=NOW)
        await service.type_strategy(uow, SAM, "Walk", now=NOW)
        # (Two flows drawing the same random number is a one-in-two-billion chance.)
        stale = old.nonce if old.nonce != new.nonce else new.nonce + 1
        with pytest.raises(BadInput, match="log_stale"):
            await service.choose_outcome(uow, SAM, stale, "helped", now=NOW)
        await service.choose_outcome(uow, SAM, new.nonce, "helped", now=NOW)
        await service.finish_log(uow, SAM, new.nonce, None, now=NOW)
        # Pressing Skip again once the entry is saved saves nothing more.
        with pytest.raises(BadInput, match="log_stale"):
            await service.finish_log(uow, SAM, new.nonce, None, now=NOW)
    assert await count(db_team, StrategyEntry) == 1


async def test_another_peers_strategy_cannot_be_picked_renamed_or_removed(
    db_team: Database,
) -> None:
    alex = await log(db_team, ALEX, "Alex's walk", "helped", "private")
    async with UnitOfWork(db_team) as uow:
        alex_strategy = (await service.start_log(uow, ALEX, now=NOW)).strategies[0].id
        await service.leave_flow(uow, ALEX, Flow.LOG)
        start = await service.start_log(uow, SAM, now=NOW)
        with pytest.raises(BadInput, match="strategy_gone"):
            await service.pick_strategy(uow, SAM, start.nonce, alex_strategy, now=NOW)
        with pytest.raises(BadInput, match="strategy_gone"):
            await service.start_rename(uow, SAM, alex_strategy, now=NOW)
        with pytest.raises(BadInput, match="strategy_gone"):
            await service.remove_strategy(uow, SAM, alex_strategy)
        with pytest.raises(BadInput, match="entry_gone"):
            await service.delete_entry(uow, SAM, alex.entry_id)
        with pytest.raises(BadInput, match="entry_gone"):
            await service.entry(uow, SAM, alex.entry_id)
        assert (await service.overview(uow, SAM, now=NOW)).this_week == ()
    assert await count(db_team, StrategyEntry) == 1


async def test_only_peers_log_strategies(db_team: Database) -> None:
    async with UnitOfWork(db_team) as uow:
        with pytest.raises(NotAllowed):
            await service.start_log(uow, WREN, now=NOW)
        with pytest.raises(NotAllowed):
            await service.overview(uow, WREN, now=NOW)


async def test_renaming_keeps_the_entries_and_refuses_a_name_already_on_the_list(
    db_team: Database,
) -> None:
    walk = await log(db_team, SAM, "Walk", "helped")
    await log(db_team, SAM, "Breathing", "a_bit")
    async with UnitOfWork(db_team) as uow:
        _, entry = await service.entry(uow, SAM, walk.entry_id)
        await service.start_rename(uow, SAM, entry.strategy_id, now=NOW)
        with pytest.raises(BadInput, match="strategy_name_taken"):
            await service.rename(uow, SAM, "BREATHING", now=NOW)
        old, item = await service.rename(uow, SAM, "Walk by the river", now=NOW)
        assert (old, item.name) == ("Walk", "Walk by the river")
        _, entry = await service.entry(uow, SAM, walk.entry_id)
        assert entry.name == "Walk by the river"
        with pytest.raises(BadInput, match="log_stale"):  # the rename flow is over
            await service.rename(uow, SAM, "Again", now=NOW)


async def test_removing_a_strategy_removes_its_entries_only(db_team: Database) -> None:
    await log(db_team, SAM, "Walk", "helped")
    walk = await log(db_team, SAM, "Walk", "a_bit")
    await log(db_team, SAM, "Breathing", "a_bit")
    async with UnitOfWork(db_team) as uow:
        _, entry = await service.entry(uow, SAM, walk.entry_id)
        assert (await service.strategy(uow, SAM, entry.strategy_id))[1] == 2
        removed = await service.remove_strategy(uow, SAM, entry.strategy_id)
    assert removed.name == "Walk"
    assert await count(db_team, Strategy) == 1 and await count(db_team, StrategyEntry) == 1


async def test_deleting_an_entry_keeps_the_strategy(db_team: Database) -> None:
    walk = await log(db_team, SAM, "Walk", "helped")
    async with UnitOfWork(db_team) as uow:
        tz, deleted = await service.delete_entry(uow, SAM, walk.entry_id)
        assert (tz, deleted.name, deleted.outcome) == ("Europe/London", "Walk", "helped")
        with pytest.raises(BadInput, match="entry_gone"):
            await service.delete_entry(uow, SAM, walk.entry_id)
    assert await count(db_team, Strategy) == 1 and await count(db_team, StrategyEntry) == 0


async def test_this_weeks_entries_are_the_last_seven_days_newest_first(db_team: Database) -> None:
    await log(db_team, SAM, "Old", "helped", now=NOW - timedelta(days=8))
    await log(db_team, SAM, "Walk", "helped", now=NOW - timedelta(days=6))
    await log(db_team, SAM, "Breathing", "didnt_try", "busy", now=NOW - timedelta(hours=1))
    async with UnitOfWork(db_team) as uow:
        overview = await service.overview(uow, SAM, now=NOW)
    assert [(e.name, e.outcome, e.note) for e in overview.this_week] == [
        ("Breathing", "didnt_try", "busy"),
        ("Walk", "helped", None),
    ]
    assert [s.name for s in overview.strategies] == ["Breathing", "Walk", "Old"]


@pytest.mark.parametrize(
    ("typed", "outcome"),
    [
        ("Helped", "helped"),
        ("a bit.", "a_bit"),
        ("Didn't help", "didnt_help"),
        ("didnt get to try", "didnt_try"),
        ("it was fine I guess", None),
    ],
)
def test_a_typed_outcome_is_understood_when_it_is_clear(typed: str, outcome: str | None) -> None:
    assert texts.outcome_from_text(typed) == outcome


def test_typing_skip_is_the_skip_button() -> None:
    assert texts.is_skip(" Skip! ") and not texts.is_skip("skipped the bus, walked")
