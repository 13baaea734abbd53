"""The migrations and the models describe one schema: what `alembic check` would say, the
CHECK constraints (which Alembic does not compare) and the server defaults, on both
backends; and the migrations go up, down and up again without losing a row."""

from __future__ import annotations

import ast
import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, bindparam, func, inspect, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.services import delivery_times, strategies
from storage.db import Database, create_engine
from storage.migrate import MIGRATIONS, alembic_config, differences, upgrade, upgrade_engine
from storage.models import (
    Base,
    DeliveryKind,
    DeliveryState,
    Party,
    PeerSession,
    Role,
    StrategyOutcome,
)
from storage.repositories import deliveries
from tests.conftest import BACKENDS, PG_URL

NOW = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
FIRST = "0001"


def _checks() -> dict[tuple[str, str], tuple[str, frozenset[str]]]:
    """(table, constraint name) -> (column, allowed values), from the models."""
    found = {}
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint):
                expr: Any = constraint.sqltext
                values = frozenset(expr.right.value)
                found[(table.name, str(constraint.name))] = (expr.left.name, values)
    return found


CHECKS = _checks()


# -- databases --------------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of the parametrised backend, with no migration applied.

    On PostgreSQL, a database of its own beside TEST_DATABASE_URL's, so that going down
    and up never touches the one the other tests share.
    """
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'blank.db'}"
        return
    url = make_url(PG_URL)
    name = f"{url.database}_migrations"

    async def admin(sql: str) -> None:
        engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.exec_driver_sql(sql)
        await engine.dispose()

    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _on(url: str, job: Any) -> Any:
    """Run `job(connection)` on a new engine for `url`, committing what it did."""

    async def main() -> Any:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                return await job(conn)
        finally:
            await engine.dispose()

    return asyncio.run(main())


@pytest.fixture
async def conn(db: Database) -> AsyncIterator[AsyncConnection]:
    async with db.engine.connect() as connection:
        yield connection


# -- one row in every table, in raw SQL ---------------------------------------------------


async def _insert(conn: AsyncConnection, table_name: str, *, full: bool, **values: Any) -> int:
    """Insert one row; only the given columns unless `full` (a database before 0002 has
    no server defaults, so there the Python defaults are written out)."""
    table = Base.metadata.tables[table_name]
    if full:
        # Only the columns this revision has: later migrations add some.
        present = await conn.run_sync(
            lambda sync: {c["name"] for c in inspect(sync).get_columns(table_name)}
        )
        for column in table.c:
            if column.name in present and column.name not in values and column.default is not None:
                default: Any = column.default
                values[column.name] = default.arg(None) if default.is_callable else default.arg
    quote = conn.dialect.identifier_preparer.quote
    key = table.primary_key.columns.values()[0].name
    stmt = text(
        f"INSERT INTO {quote(table_name)} ({', '.join(quote(c) for c in values)}) "
        f"VALUES ({', '.join(':' + c for c in values)}) RETURNING {quote(key)}"
    ).bindparams(*(bindparam(c, type_=table.c[c].type) for c in values))
    return int((await conn.execute(stmt, values)).scalar_one())


async def _seed(conn: AsyncConnection, *, full: bool = False) -> None:
    """One row in every table that has a server default or a CHECK constraint."""

    async def add(table_name: str, **values: Any) -> int:
        return await _insert(conn, table_name, full=full, **values)

    def person(role: str) -> dict[str, Any]:
        return {"role": role, "timezone": "Europe/London", "created_at": NOW}

    coordinator = await add("people", **person("coordinator"))
    worker = await add("people", **person("worker"), invited_by_id=coordinator)
    peer = await add("people", **person("peer"), invited_by_id=worker)
    await add(
        "invitations",
        token_hash="0" * 64,
        role="peer",
        invited_by_id=worker,
        person_id=peer,
        created_at=NOW,
        expires_at=NOW + timedelta(days=14),
    )
    programme = await add(
        "programmes", peer_id=peer, worker_id=worker, planned_sessions=10, started_at=NOW
    )
    session = await add(
        "sessions",
        programme_id=programme,
        starts_at=NOW + timedelta(days=2),
        duration_minutes=60,
        created_at=NOW,
    )
    await add("rearrange_requests", session_id=session, requested_by="peer", created_at=NOW)
    strategy = await add(
        "strategies", peer_id=peer, name="A walk", created_at=NOW, last_used_at=NOW
    )
    await add(
        "strategy_entries", strategy_id=strategy, peer_id=peer, outcome="helped", logged_at=NOW
    )
    tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    if "referrals" in tables:  # from 0005 on
        await add(
            "referrals", first_name="Sam", source="gp", referred_by_id=coordinator, created_at=NOW
        )
        await add("ending_answers", programme_id=programme, asked_at=NOW, recommend="yes")
        at = {"starts_at": NOW, "ends_at": NOW + timedelta(hours=1), "created_at": NOW}
        await add("safety_checkins", worker_id=worker, session_id=session, kind="session", **at)
    await add("reminder_prefs", person_id=peer)
    await add("worker_prefs", person_id=worker)
    await add("coordinator_prefs", person_id=coordinator)
    await add(
        "deliveries",
        key=f"summary:session:{session}:v1",
        kind="summary",
        recipient_id=worker,
        session_id=session,
        due_at=NOW,
    )
    await add("conversations", person_id=peer, flow="log", step="note", updated_at=NOW)
    tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    if "last_keyboards" in tables:  # from 0004 on
        await add("last_keyboards", chat_id=9001, message_id=1, sent_at=NOW)


async def _counts(conn: AsyncConnection) -> dict[str, int]:
    """Rows in each table; a table a later migration creates has none yet."""
    present = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    return {
        table.name: (await conn.execute(select(func.count()).select_from(table))).scalar_one()
        if table.name in present
        else 0
        for table in Base.metadata.sorted_tables
    }


# -- what a database says about itself ------------------------------------------------------


def _parse_check(sqltext: str) -> tuple[str, frozenset[str]]:
    """(column, allowed values) from a reflected CHECK: SQLite gives back the text we wrote,
    PostgreSQL its own `state::text = ANY (ARRAY['a'::character varying, ...])`."""
    found = re.match(r"\W*(\w+)", sqltext)
    assert found, sqltext
    values = (v.replace("''", "'") for v in re.findall(r"'((?:[^']|'')*)'", sqltext))
    return found.group(1), frozenset(values)


def _reflected_checks(sync: Connection) -> dict[tuple[str, str], tuple[str, frozenset[str]]]:
    inspector = inspect(sync)
    return {
        (table, str(check["name"])): _parse_check(check["sqltext"])
        for table in inspector.get_table_names()
        if table != "alembic_version"
        for check in inspector.get_check_constraints(table)
    }


def _reflected_defaults(sync: Connection) -> dict[tuple[str, str], str]:
    """Every column default but PostgreSQL's own for its id sequences."""
    inspector = inspect(sync)
    present = set(inspector.get_table_names())
    return {
        (table.name, column["name"]): str(column["default"])
        for table in Base.metadata.sorted_tables
        if table.name in present
        for column in inspector.get_columns(table.name)
        if column["default"] is not None and not str(column["default"]).startswith("nextval(")
    }


def _revision(sync: Connection) -> str | None:
    return sync.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


# -- the models and the migrations agree ----------------------------------------------------


async def test_the_migrated_database_matches_the_models(conn: AsyncConnection) -> None:
    assert await conn.run_sync(differences) == []


async def test_the_check_constraints_are_those_of_the_models(conn: AsyncConnection) -> None:
    # Alembic's comparison leaves CHECK constraints out; a value added to an enum in
    # storage.models fails here until a migration adds it to the database too.
    assert await conn.run_sync(_reflected_checks) == CHECKS


def test_every_not_null_column_with_a_python_default_has_a_server_default() -> None:
    missing = [
        f"{column.table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.c
        if column.default is not None and not column.nullable and column.server_default is None
    ]
    assert missing == []


def test_the_enums_hold_every_value_the_code_writes() -> None:
    assert set(DeliveryKind) == set(delivery_times.ALL_KINDS)
    assert set(StrategyOutcome) == set(strategies.OUTCOMES)
    written = {
        deliveries.PENDING,
        deliveries.CLAIMED,
        deliveries.SENT,
        deliveries.MAYBE_SENT,
        deliveries.SKIPPED,
        deliveries.FAILED,
    }
    assert set(DeliveryState) == written
    assert set(Party) == {Role.PEER, Role.WORKER}


def test_migrations_do_not_import_the_models() -> None:
    # A migration that read an enum would change meaning when the enum grew.
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
        assert "storage.models" not in imported, path.name


# -- the database itself refuses and fills in --------------------------------------------


@pytest.mark.parametrize("check", sorted(CHECKS), ids=lambda c: f"{c[1]}")
async def test_a_check_constraint_refuses_a_value_outside_its_enum(
    db: Database, check: tuple[str, str]
) -> None:
    table, _name = check
    column, allowed = CHECKS[check]
    async with db.engine.begin() as conn:
        await _seed(conn)
    update = text(f"UPDATE {table} SET {column} = :value")
    for value in sorted(allowed):
        async with db.engine.begin() as conn:
            await conn.execute(update, {"value": value})
    with pytest.raises(IntegrityError):
        async with db.engine.begin() as conn:
            await conn.execute(update, {"value": "bogus"})


async def test_a_session_with_an_unknown_state_is_not_saved(db: Database) -> None:
    async with db.engine.begin() as conn:
        await _seed(conn)
        programme_id = (await conn.execute(text("SELECT id FROM programmes"))).scalar_one()
    async with db.sessionmaker() as session:
        session.add(
            PeerSession(
                programme_id=programme_id,
                starts_at=NOW,
                duration_minutes=60,
                state="bogus",
                created_at=NOW,
            )
        )
        with pytest.raises(IntegrityError):
            await session.flush()


async def test_server_defaults_fill_a_row_inserted_without_those_columns(db: Database) -> None:
    async with db.engine.begin() as conn:
        await _seed(conn)
    filled: dict[str, Any] = {}
    expected: dict[str, Any] = {}
    async with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            defaulted = [c for c in table.c if c.server_default is not None]
            if not defaulted:
                continue
            row = (await conn.execute(select(*defaulted).limit(1))).one()
            for column, value in zip(defaulted, row, strict=True):
                default: Any = column.default
                filled[f"{table.name}.{column.name}"] = value
                expected[f"{table.name}.{column.name}"] = (
                    default.arg(None) if default.is_callable else default.arg
                )
    # What the database fills in reads back exactly as what the ORM would have written.
    assert filled == expected


# -- up, down and up again ------------------------------------------------------------------


def test_upgrade_downgrade_and_upgrade_again_keep_every_row(blank_url: str) -> None:
    upgrade(blank_url, FIRST)

    async def seed(conn: AsyncConnection) -> dict[str, int]:
        await _seed(conn, full=True)
        return await _counts(conn)

    before = _on(blank_url, seed)
    assert _on(blank_url, lambda c: c.run_sync(_reflected_checks)) == {}

    upgrade(blank_url)
    assert _on(blank_url, lambda c: c.run_sync(_revision)) == HEAD
    assert _on(blank_url, _counts) == before
    assert _on(blank_url, lambda c: c.run_sync(_reflected_checks)) == CHECKS
    assert _on(blank_url, lambda c: c.run_sync(differences)) == []

    command.downgrade(alembic_config(blank_url), FIRST)
    assert _on(blank_url, lambda c: c.run_sync(_revision)) == FIRST
    assert _on(blank_url, _counts) == before
    assert _on(blank_url, lambda c: c.run_sync(_reflected_checks)) == {}
    assert _on(blank_url, lambda c: c.run_sync(_reflected_defaults)) == {}

    upgrade(blank_url)
    assert _on(blank_url, lambda c: c.run_sync(_revision)) == HEAD
    assert _on(blank_url, _counts) == before
    assert _on(blank_url, lambda c: c.run_sync(differences)) == []


def test_the_bot_upgrading_its_database_keeps_rows_and_foreign_keys(blank_url: str) -> None:
    upgrade(blank_url, FIRST)
    _on(blank_url, lambda c: _seed(c, full=True))
    counts = _on(blank_url, _counts)

    async def serve_upgrade() -> tuple[dict[str, int], int | None]:
        engine: AsyncEngine = create_engine(blank_url)
        try:
            await upgrade_engine(engine)
            async with engine.connect() as conn:
                after = await _counts(conn)
                foreign_keys = None
                if conn.dialect.name == "sqlite":
                    pragma = await conn.exec_driver_sql("PRAGMA foreign_keys")
                    foreign_keys = pragma.scalar()
            return after, foreign_keys
        finally:
            await engine.dispose()

    after, foreign_keys = asyncio.run(serve_upgrade())
    assert after == counts
    if make_url(blank_url).get_backend_name() == "sqlite":
        # The bot goes on with the same engine: cascades on /forget need them on.
        assert foreign_keys == 1


async def test_sqlite_migrations_refuse_a_connection_that_cannot_turn_foreign_keys_off(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'busy.db'}")

    def migrate(sync: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = sync
        command.upgrade(config, "head")

    try:
        async with engine.begin() as conn:
            # Once a transaction has written, SQLite ignores PRAGMA foreign_keys.
            await conn.exec_driver_sql("CREATE TABLE scratch (x INTEGER)")
            await conn.exec_driver_sql("INSERT INTO scratch VALUES (1)")
            with pytest.raises(RuntimeError, match="foreign keys are still on"):
                await conn.run_sync(migrate)
    finally:
        await engine.dispose()
