"""A flow's data as JSON in the conversations table, and back as its typed dataclass."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from typing import Any, TypeVar

D = TypeVar("D")


def encode(data: object) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in dataclasses.asdict(data).items():  # type: ignore[call-overload]
        out[name] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


def _plain(hint: Any) -> Any:
    """`int | None` → int: the type a stored value must have when it is not None."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return inner[0] if len(inner) == 1 else object
    return hint


def decode(kind: type[D], raw: dict[str, Any]) -> D | None:
    """The stored data as `kind`, or None if it does not have that shape (an older release)."""
    hints = typing.get_type_hints(kind)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(kind):  # type: ignore[arg-type]
        if field.name not in raw:
            continue
        value, want = raw[field.name], _plain(hints[field.name])
        try:
            if value is None:
                pass
            elif want is date:
                value = date.fromisoformat(value)
            elif want is datetime:
                value = datetime.fromisoformat(value)
            elif want in (int, str, bool) and type(value) is not want:
                return None
        except (TypeError, ValueError):
            return None
        values[field.name] = value
    try:
        return kind(**values)
    except TypeError:
        return None
