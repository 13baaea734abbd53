"""Where each person is in a multi-step flow (one row a person, at most)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, update

from storage.models import Conversation
from storage.repositories.base import Repository


class ConversationRepository(Repository):
    async def get(self, person_id: int) -> Conversation | None:
        return await self.session.get(Conversation, person_id)

    async def start(
        self, person_id: int, flow: str, step: str, data: dict[str, Any], now: datetime
    ) -> None:
        """Put the person at `step` of `flow`, replacing whatever flow they were in."""
        current = await self.session.get(Conversation, person_id)
        if current is None:
            self.session.add(
                Conversation(person_id=person_id, flow=flow, step=step, data=data, updated_at=now)
            )
        else:
            current.flow, current.step, current.data, current.updated_at = flow, step, data, now
            current.version += 1
        await self.session.flush()

    async def advance(
        self,
        person_id: int,
        flow: str,
        step: str,
        version: int,
        new_step: str,
        data: dict[str, Any],
        now: datetime,
    ) -> bool:
        """Move from (flow, step, version) on; False if the state is no longer that."""
        result = await self.session.execute(
            update(Conversation)
            .where(
                Conversation.person_id == person_id,
                Conversation.flow == flow,
                Conversation.step == step,
                Conversation.version == version,
            )
            .values(step=new_step, data=data, updated_at=now, version=Conversation.version + 1)
            .execution_options(synchronize_session="fetch")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def clear(
        self,
        person_id: int,
        flow: str | None = None,
        *,
        step: str | None = None,
        version: int | None = None,
    ) -> bool:
        """End the person's flow (only `flow`, and only at `step` and `version`, when given);
        True if there was one."""
        stmt = delete(Conversation).where(Conversation.person_id == person_id)
        if flow is not None:
            stmt = stmt.where(Conversation.flow == flow)
        if step is not None:
            stmt = stmt.where(Conversation.step == step)
        if version is not None:
            stmt = stmt.where(Conversation.version == version)
        result = await self.session.execute(stmt.execution_options(synchronize_session="fetch"))
        return bool(result.rowcount)  # type: ignore[attr-defined]
