"""People's own settings (reminders, peer workers', coordinators') and their defaults: here once.

Reads never write: a person with no row reads the defaults, unsaved. A change is one
conditional UPDATE (after making sure the row exists), so two presses racing cannot both
build on the same read, and two first changes cannot both insert the row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storage.models import CoordinatorPrefs, ReminderPrefs, WorkerPrefs
from storage.repositories.base import Repository
from storage.uow_notes import touched

Prefs = TypeVar("Prefs", ReminderPrefs, WorkerPrefs, CoordinatorPrefs)


def _defaults(model: type[Any]) -> dict[str, object]:
    """The column defaults of a settings table (what a person has until they change it)."""
    found: dict[str, object] = {}
    for column in model.__table__.columns:
        if column.default is not None and not column.primary_key:
            found[column.key] = column.default.arg
    return found


class PrefsRepository(Repository):
    async def _read(self, model: type[Prefs], person_id: int) -> Prefs:
        found = await self.session.get(model, person_id)
        if found is not None:
            return found
        return model(person_id=person_id, **_defaults(model))

    async def _ensure(self, model: type[Any], person_id: int) -> None:
        """The row exists (with the defaults if it did not); a racing insert is no error."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(model).values(person_id=person_id, **_defaults(model))
        await self.session.execute(stmt.on_conflict_do_nothing(index_elements=["person_id"]))

    async def _change(
        self,
        model: type[Any],
        person_id: int,
        values: dict[str, Any],
        expected: dict[str, Any] | None,
    ) -> bool:
        """Set `values` if the row still holds `expected` (what was read); False if not."""
        await self._ensure(model, person_id)
        table = model.__table__.c
        conditions: list[ColumnElement[bool]] = [table.person_id == person_id]
        for name, value in (expected or {}).items():
            conditions.append(table[name].is_(None) if value is None else table[name] == value)
        result = await self.session.execute(
            update(model)
            .where(and_(*conditions))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            touched(self.session).people.add(person_id)
        # What the row holds now, for the caller and for any later read in this unit.
        await self.session.execute(
            select(model)
            .where(table.person_id == person_id)
            .execution_options(populate_existing=True)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    # -- a peer's reminders ------------------------------------------------------------

    async def reminders(self, person_id: int) -> ReminderPrefs:
        """The peer's reminder choice (everything off, not stored, when never chosen)."""
        return await self._read(ReminderPrefs, person_id)

    async def change_reminders(
        self,
        person_id: int,
        values: dict[str, Any],
        *,
        now: datetime,
        expected: dict[str, Any] | None = None,
        asked: bool = False,
    ) -> bool:
        """Change the peer's choice if it still is `expected`; `asked` notes the offer made."""
        values = {**values, "updated_at": now}
        if asked:
            # The first answer or offer is when they were asked; later ones keep it.
            at = literal(now, ReminderPrefs.__table__.c.asked_at.type)
            values["asked_at"] = func.coalesce(ReminderPrefs.asked_at, at)
        return await self._change(ReminderPrefs, person_id, values, expected)

    async def claim_reminder_offer(self, person_id: int, now: datetime) -> bool:
        """Note that reminders were offered; False if they already had been (by anyone)."""
        return await self._change(
            ReminderPrefs, person_id, {"asked_at": now, "updated_at": now}, {"asked_at": None}
        )

    # -- a peer worker's and a coordinator's own settings ------------------------------

    async def worker(self, person_id: int) -> WorkerPrefs:
        """The peer worker's settings (the defaults, not stored, when never set)."""
        return await self._read(WorkerPrefs, person_id)

    async def change_worker(
        self, person_id: int, values: dict[str, Any], *, expected: dict[str, Any] | None = None
    ) -> bool:
        """Change the peer worker's settings if they still are `expected`."""
        return await self._change(WorkerPrefs, person_id, values, expected)

    async def worker_to_change(self, person_id: int) -> WorkerPrefs:
        """The peer worker's settings row, created from the defaults if needed, to change."""
        found = await self.session.get(WorkerPrefs, person_id)
        if found is None:
            found = WorkerPrefs(person_id=person_id, **_defaults(WorkerPrefs))
            self.session.add(found)
        return found

    async def coordinator(self, person_id: int) -> CoordinatorPrefs:
        """The coordinator's digest settings (the defaults, not stored, when never set)."""
        return await self._read(CoordinatorPrefs, person_id)

    async def change_coordinator(self, person_id: int, values: dict[str, Any]) -> None:
        """Set the coordinator's digest day or time (absolute values: last one wins)."""
        await self._change(CoordinatorPrefs, person_id, values, None)
