"""What every repository has: the one AsyncSession of its unit of work."""

from __future__ import annotations

from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

Row = TypeVar("Row")


class Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session


class AddingRepository(Repository, Generic[Row]):
    """A repository whose rows the services build and hand over with `add`."""

    def add(self, row: Row) -> None:
        self.session.add(row)
