"""How a programme ends: the peer's toolbox, the three questions, `/close` (SPEC §3, §4).

Issue #14 builds this module; until then its seams do nothing.
"""

from __future__ import annotations

from datetime import datetime

from storage.uow import UnitOfWork


async def programme_ended(uow: UnitOfWork, programme_id: int, *, now: datetime) -> None:
    """Programme `programme_id` has just ended, in this unit of work (its last session
    held, or closed early): plan what the peer is sent once."""
