"""Which typed answer a person is about to give: a step of a flow, kept in the database."""

from __future__ import annotations

from datetime import datetime

from bot.services.onboarding import member
from storage.uow import UnitOfWork


async def expect_typed(
    uow: UnitOfWork, telegram_id: int, flow: str, step: str, *, now: datetime
) -> None:
    """The person's next typed message answers `step` of `flow`."""
    person = await member(uow, telegram_id)
    await uow.conversations.put(person.id, flow, step, {}, now)
    await uow.commit()


async def stop_expecting(uow: UnitOfWork, telegram_id: int, flow: str) -> None:
    """Typed text no longer belongs to `flow` (another flow's step is left alone)."""
    person = await member(uow, telegram_id)
    current = await uow.conversations.get(person.id)
    if current is not None and current.flow == flow:
        await uow.conversations.clear(person.id)
        await uow.commit()


async def stop_all(uow: UnitOfWork, telegram_id: int) -> bool:
    """Leave whatever flow the person is in; True if they were in one."""
    person = await member(uow, telegram_id)
    if await uow.conversations.get(person.id) is None:
        return False
    await uow.conversations.clear(person.id)
    await uow.commit()
    return True
