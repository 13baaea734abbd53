"""The three questions at a programme's end (SPEC §3): asked once, each optional.

**How much has peer support helped?** (1-5), **Would you recommend it to someone in a
similar situation?** (yes / not sure / no), **Anything you'd like to say?** (typed, or
skipped). The `ending_answers` row, one per programme, says they were asked: it is made
when the toolbox goes out, never again. Where the peer is among the questions is the
`ending` flow (a skipped question moves on just as an answer does); a button of a
question already passed, or of another time, is out of date and changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.services import flows
from bot.services.errors import BadInput, Stale
from bot.services.flows import EndingData, EndingStep
from bot.services.onboarding import member
from storage.enums import Recommend
from storage.models import Role
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

COMMENT_MAX = 500
NEXT = {
    EndingStep.HELPED: EndingStep.RECOMMEND,
    EndingStep.RECOMMEND: EndingStep.COMMENT,
    EndingStep.COMMENT: None,
}
STEPS = (EndingStep.HELPED, EndingStep.RECOMMEND, EndingStep.COMMENT)  # question 1, 2, 3


async def ask(uow: UnitOfWork, peer_id: int, programme_id: int, *, now: datetime) -> bool:
    """Ask the questions now if they never were; True when they are to be shown (also when
    this is a retry of the same send and the peer has not answered the first yet)."""
    if await uow.endings.ask(programme_id, now):
        data = EndingData(programme_id)
        await flows.begin(uow, peer_id, flows.ENDING, EndingStep.HELPED, data, now=now)
        return True
    at = await flows.at(uow, peer_id, flows.ENDING, EndingStep.HELPED, now=now)
    return at is not None and at.data.programme_id == programme_id


@dataclass(frozen=True)
class Next:
    """What follows an answer: the next question (its step), or None: all done."""

    programme_id: int
    step: EndingStep | None


async def _answer(
    uow: UnitOfWork,
    telegram_id: int,
    programme_id: int,
    step: EndingStep,
    now: datetime,
    **value: object,
) -> Next:
    peer = await member(uow, telegram_id, Role.PEER)
    at = await flows.need(uow, peer.id, flows.ENDING, step, now=now)
    if at.data.programme_id != programme_id:
        raise Stale()
    if value and not await uow.endings.answer(programme_id, now, **value):
        raise Stale()
    following = NEXT[step]
    if following is None:
        await flows.end(uow, peer.id, flows.ENDING, read=at)
    else:
        await flows.advance(uow, peer.id, flows.ENDING, at, following, at.data, now=now)
    await uow.commit()
    log.info("person %s: ending question %s %s", peer.id, step, "answered" if value else "skipped")
    return Next(programme_id, following)


async def answer_helped(
    uow: UnitOfWork, telegram_id: int, programme_id: int, helped: int, *, now: datetime
) -> Next:
    if not 1 <= helped <= 5:
        raise Stale()
    return await _answer(uow, telegram_id, programme_id, EndingStep.HELPED, now, helped=helped)


async def answer_recommend(
    uow: UnitOfWork, telegram_id: int, programme_id: int, choice: str, *, now: datetime
) -> Next:
    if choice not in tuple(Recommend):
        raise Stale()
    step = EndingStep.RECOMMEND
    return await _answer(uow, telegram_id, programme_id, step, now, recommend=choice)


async def skip(
    uow: UnitOfWork, telegram_id: int, programme_id: int, question: int, *, now: datetime
) -> Next:
    """Skip question 1, 2 or 3: nothing is stored for it, and the next one comes."""
    return await _answer(uow, telegram_id, programme_id, STEPS[question - 1], now)


async def type_comment(uow: UnitOfWork, telegram_id: int, text: str, *, now: datetime) -> Next:
    """The peer's typed answer to "Anything you'd like to say?"."""
    peer = await member(uow, telegram_id, Role.PEER)
    at = await flows.need(uow, peer.id, flows.ENDING, EndingStep.COMMENT, now=now)
    comment = " ".join(text.split())
    if len(comment) > COMMENT_MAX:
        raise BadInput("ending_comment_too_long", limit=COMMENT_MAX)
    if not comment:
        raise BadInput("ending_comment_empty")
    return await _answer(uow, telegram_id, at.data.programme_id, at.step, now, comment=comment)
