"""Any command ends a half-finished flow: text typed after it answers no older question."""

from __future__ import annotations

from sqlalchemy import select

from bot import texts
from bot.texts import strategies as strategy_texts
from storage.models import Conversation, Strategy
from tests.harness import Harness


async def test_text_typed_after_help_is_not_taken_as_a_strategy_for_an_older_log(
    bot: Harness,
) -> None:
    _coordinator, _worker, peer = await bot.team()
    (ask,) = await peer.send("/log")
    assert ask.text == strategy_texts.LOG_FIRST
    await peer.send("/help")
    assert [m.text for m in await peer.send("Walk after lunch")] == [texts.DIDNT_CATCH]
    async with bot.uow() as uow:
        assert list(await uow.session.scalars(select(Strategy))) == []
        assert list(await uow.session.scalars(select(Conversation))) == []
    # The command that starts a flow still starts it, after ending the older one.
    await peer.send("/log")
    (ask,) = await peer.send("Walk after lunch")
    assert ask.text == "How did “Walk after lunch” go?"


async def test_a_guided_schedule_is_over_once_another_command_is_sent(bot: Harness) -> None:
    _coordinator, worker, _peer = await bot.team()
    (pick,) = await worker.send("/schedule")
    assert pick.text == "Who is the session with?"
    await worker.press("Sam", message=pick)
    await worker.send("/diary")
    assert [m.text for m in await worker.send("14:30")] == [texts.DIDNT_CATCH]
    # /cancel still says whether there was a flow to leave.
    assert [m.text for m in await worker.send("/cancel")] == [texts.NO_FLOW]
    await worker.send("/schedule")
    await worker.press("Sam")
    assert [m.text for m in await worker.send("/cancel")] == [texts.FLOW_STOPPED]
