"""The ledger's hottest write: a send's result, one statement on a connection held open.

The delivery engine writes each result right after its send, before that send's slot
takes the next message, so a crash repeats at most what was in flight (SPEC §7). Through a
unit of work that write is a checkout, BEGIN, UPDATE and COMMIT; here it is the UPDATE
alone, in autocommit on a connection the engine holds for one run of sends: one round trip,
durable when it returns, and no transaction is ever open while a message is on its way.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, Update, bindparam, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database
from storage.enums import DeliveryState
from storage.models import Delivery


@cache
def finish_statement() -> Update:
    """The end of a claimed row, while `owner` still holds its claim; built once.

    The table, not the entity: an ORM UPDATE with a list of parameters would be a "bulk
    update by primary key", which cannot also test who holds the claim.
    """
    table = cast(Table, Delivery.__table__)
    return (
        update(table)
        .where(
            table.c.id == bindparam("row_id"),
            table.c.claimed_by == bindparam("owner"),
            table.c.state == DeliveryState.CLAIMED,
        )
        .values(
            state=bindparam("new_state"),
            finished_at=bindparam("at"),
            reason=bindparam("why"),
            telegram_message_id=bindparam("message_id"),
            claimed_until=None,
        )
    )


def finish_parameters(
    delivery_id: int,
    *,
    owner: str,
    state: str,
    now: datetime,
    reason: str | None,
    message_id: int | None,
) -> dict[str, Any]:
    return {
        "row_id": delivery_id,
        "owner": owner,
        "new_state": state,
        "at": now,
        "why": reason,
        "message_id": message_id,
    }


class ResultWriter:
    """`async with writer:` … `await writer.finish(db, ...)`.

    The connection is taken from `db` at the first write and given back at the end of the
    block, or dropped at the first failure (the database went away) or when a write names
    another database: the next write takes a new one. A write outside any block gives its
    connection back at once. Writes take turns: a connection runs one statement at a time.
    """

    def __init__(self) -> None:
        self._db: Database | None = None
        self._connection: AsyncConnection | None = None
        self._held = 0
        self._turns = asyncio.Lock()

    async def __aenter__(self) -> ResultWriter:
        self._held += 1
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._held -= 1
        if not self._held:
            async with self._turns:
                await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(DBAPIError, OSError):  # gone already: the pool forgets it
                await connection.close()

    async def finish(self, db: Database, delivery_id: int, **values: Any) -> bool:
        """Record how a claimed delivery ended (state, now, reason, message_id, owner);
        False if its claim was lost to another sender. Durable when it returns."""
        assert values["state"] in (DeliveryState.SENT, DeliveryState.FAILED)
        async with self._turns:
            if self._db is not db:
                await self._drop()
            try:
                if self._connection is None:
                    self._db = db
                    connection = await db.engine.connect()
                    self._connection = await connection.execution_options(
                        isolation_level="AUTOCOMMIT"
                    )
                result = await self._connection.execute(
                    finish_statement(), finish_parameters(delivery_id, **values)
                )
            except (DBAPIError, OSError):
                await self._drop()
                raise
            if not self._held:
                await self._drop()
        return bool(result.rowcount)
