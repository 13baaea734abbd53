"""Which typed answer a person is about to give, for flows whose steps carry no data.

Handlers name the flow and step as text today (`"reminders"`, `"time:1"`) or as the enums
of bot.services.flows; both mean the same declared flow.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.services import flows
from bot.services.flows import Flow
from bot.services.onboarding import member
from storage.uow import UnitOfWork


def _spec(flow: str | Flow) -> flows.FlowSpec[StrEnum, object]:
    # An unknown name is a mistake in the code, not in what someone typed: ValueError.
    return flows.SPECS[Flow(flow)]


async def expect_typed(
    uow: UnitOfWork, telegram_id: int, flow: str | Flow, step: str | StrEnum, *, now: datetime
) -> None:
    """The person's next typed message answers `step` of `flow` (a flow with no data)."""
    person = await member(uow, telegram_id)
    spec = _spec(flow)
    await flows.begin(uow, person.id, spec, spec.steps(step), spec.data(), now=now)
    await uow.commit()


async def stop_expecting(uow: UnitOfWork, telegram_id: int, flow: str | Flow) -> None:
    """Typed text no longer belongs to `flow` (another flow's step is left alone)."""
    person = await member(uow, telegram_id)
    if await flows.end(uow, person.id, _spec(flow)):
        await uow.commit()


async def stop_all(uow: UnitOfWork, telegram_id: int) -> bool:
    """Leave whatever flow the person is in; True if they were in one."""
    person = await member(uow, telegram_id)
    if not await flows.end(uow, person.id):
        return False
    await uow.commit()
    return True
