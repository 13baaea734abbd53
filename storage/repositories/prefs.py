"""Peer workers' and coordinators' own settings, and their defaults: defined here once."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CoordinatorPrefs, WorkerPrefs


def _defaults(model: type[WorkerPrefs] | type[CoordinatorPrefs]) -> dict[str, object]:
    """The column defaults of a settings table (what a person has until they change it)."""
    found: dict[str, object] = {}
    for column in model.__table__.columns:
        if column.default is not None and not column.primary_key:
            found[column.key] = column.default.arg  # type: ignore[attr-defined]
    return found


class PrefsRepository:
    """Reads never write: a person with no row reads the defaults, unsaved."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def worker(self, person_id: int) -> WorkerPrefs:
        """The peer worker's settings (the defaults, not stored, when never set)."""
        found = await self.session.get(WorkerPrefs, person_id)
        if found is not None:
            return found
        return WorkerPrefs(person_id=person_id, **_defaults(WorkerPrefs))

    async def worker_to_change(self, person_id: int) -> WorkerPrefs:
        """The peer worker's settings row, created from the defaults if needed, to change."""
        found = await self.session.get(WorkerPrefs, person_id)
        if found is None:
            found = WorkerPrefs(person_id=person_id, **_defaults(WorkerPrefs))
            self.session.add(found)
        return found

    async def coordinator(self, person_id: int) -> CoordinatorPrefs:
        """The coordinator's digest settings (the defaults, not stored, when never set)."""
        found = await self.session.get(CoordinatorPrefs, person_id)
        if found is not None:
            return found
        return CoordinatorPrefs(person_id=person_id, **_defaults(CoordinatorPrefs))

    async def coordinator_to_change(self, person_id: int) -> CoordinatorPrefs:
        """The coordinator's settings row, created from the defaults if needed, to change."""
        found = await self.session.get(CoordinatorPrefs, person_id)
        if found is None:
            found = CoordinatorPrefs(person_id=person_id, **_defaults(CoordinatorPrefs))
            self.session.add(found)
        return found
