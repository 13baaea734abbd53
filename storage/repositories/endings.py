"""How programmes end: the ending questions' answers (table `ending_answers`, SPEC §3)."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import EndingAnswers
from storage.repositories.base import AddingRepository


class EndingRepository(AddingRepository[EndingAnswers]):
    async def answers_of(self, programme_id: int) -> EndingAnswers | None:
        return await self.session.scalar(
            select(EndingAnswers).where(EndingAnswers.programme_id == programme_id)
        )
