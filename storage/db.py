"""Engine and sessionmaker: created at start, disposed at shutdown, never at import."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session


@dataclass(frozen=True)
class Database:
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    # For units of work that read, or make one write (storage/uow.py): on PostgreSQL with
    # no transaction around them (each statement commits as it runs), so they spend no
    # BEGIN and COMMIT; on SQLite in a transaction as any other.
    autocommitting: async_sessionmaker[AsyncSession]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers go on while one writes;
    # busy_timeout makes a second writer wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


# A pooled connection unused for longer than this is tried before it is handed out.
IDLE_PING_SECONDS = 2.0
_CHECKED_IN = "peerbot_checked_in"


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Try a connection at checkout only when it has sat in the pool for a while.

    SQLAlchemy's `pool_pre_ping` costs a round trip at every checkout, that is at every
    unit of work (three an update). A connection handed back moments ago was alive then;
    one that has sat idle may have been cut by a restart or a failover, and is tried first
    (a dead one is replaced, and the pool's older connections with it, as pre-ping does).
    A connection that dies while busy fails its statement, which invalidates the pool:
    people are told "try again in a minute" (SPEC §7), as while the database is away.
    """
    sync_engine = engine.sync_engine

    def note_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN] = time.monotonic()

    def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in = record.info.get(_CHECKED_IN)
        if checked_in is None or time.monotonic() - checked_in <= IDLE_PING_SECONDS:
            return  # new (just connected), or handed back moments ago
        try:
            sync_engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.InvalidatePoolError() from error

    event.listen(sync_engine, "checkin", note_checkin)
    event.listen(sync_engine, "checkout", ping_if_idle)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for `url`, with SQLite set up for a small concurrent bot."""
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_async_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


class OneWriteSession(Session):
    """The session of an autocommitting unit of work: reads, and one write at most.

    Without a transaction, two writes are two commits: whatever fails between them leaves
    half a change. So a second write statement, or a flush of changed objects, raises.
    """


_WROTE = "peerbot_wrote"


@event.listens_for(OneWriteSession, "do_orm_execute")
def _one_write(state: ORMExecuteState) -> None:
    if state.is_select:
        return
    if state.session.info.get(_WROTE):
        raise RuntimeError("an autocommitting unit of work makes one write at most")
    state.session.info[_WROTE] = True


@event.listens_for(OneWriteSession, "before_flush")
def _no_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("an autocommitting unit of work changes no objects")


def open_database(url: str, **kwargs: Any) -> Database:
    engine = create_engine(url, **kwargs)
    # SQLite's one writer and its snapshot per transaction stay as they are; PostgreSQL
    # reads at READ COMMITTED, where each statement sees what was committed before it
    # either way, so a reading unit loses nothing without the transaction.
    loose = engine
    if engine.dialect.name != "sqlite":
        loose = engine.execution_options(isolation_level="AUTOCOMMIT")
    return Database(
        engine,
        async_sessionmaker(engine, expire_on_commit=False),
        async_sessionmaker(loose, expire_on_commit=False, sync_session_class=OneWriteSession),
    )
