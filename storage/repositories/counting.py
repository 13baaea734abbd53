"""The two pieces of SQL every counting query shares (the digest and its flow figures)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func
from sqlalchemy.orm import QueryableAttribute


def within(
    column: ColumnElement[Any] | QueryableAttribute[Any], start: datetime, end: datetime
) -> ColumnElement[bool]:
    """`start <= column < end`."""
    return and_(column >= start, column < end)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """A portable conditional count: COUNT skips NULLs, and CASE without ELSE is NULL."""
    return func.count(case((condition, 1)))
