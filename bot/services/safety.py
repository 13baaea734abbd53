"""Lone-working safety check-ins for peer workers (SPEC §8).

Issue #15 builds this module; until then its seams do nothing.
"""

from __future__ import annotations

from datetime import datetime

from storage.models import PeerSession
from storage.uow import UnitOfWork


async def session_marked(uow: UnitOfWork, worker_id: int, s: PeerSession, *, now: datetime) -> None:
    """The worker marked session `s` held, missed or cancelled at `now` (SPEC §8: marked
    after its start, that counts as "I'm safe")."""
