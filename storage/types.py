"""Column types and column helpers shared by the models."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, String, Time, column, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import MappedColumn, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in UTC: aware datetimes in, aware UTC datetimes out, on every backend.

    SQLite keeps no zone, so naive values coming back are UTC by construction; a naive
    value going in is a programming error and is refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def one_of(name: str, values: Iterable[str]) -> CheckConstraint:
    """A CHECK that column `name` holds one of `values`; called `ck_<table>_<name>`.

    Migrations write the same constraint with the values spelt out, frozen as they were;
    tests/test_migrations.py fails when an enum here and the migrations disagree, so a
    value added to an enum needs a migration of its own.
    """
    return CheckConstraint(column(name).in_([str(value) for value in values]), name=name)


def state_column(initial: StrEnum) -> MappedColumn[str]:
    """A state column (checked with `one_of`) that starts at `initial`, here and in SQL."""
    return mapped_column(String(16), default=initial, server_default=initial.value)


def time_of_day(hour: int, minute: int) -> MappedColumn[time]:
    """A time column defaulting to hour:minute in Python and in the database alike.

    The literal is written the way SQLAlchemy stores a time in SQLite (with microseconds),
    so a row the database fills in reads and compares like one the ORM wrote; PostgreSQL
    reads it as a plain time.
    """
    at = time(hour, minute)
    sql = at.isoformat(timespec="microseconds")
    return mapped_column(Time, default=at, server_default=text(f"'{sql}'"))
