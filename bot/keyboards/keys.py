"""A keyboard as plain data: rows of keys, each a label and a callback payload or a URL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Key:
    """One button: a label and either a callback payload or a URL."""

    label: str
    data: str | None = None
    url: str | None = None


Row = tuple[Key, ...]
Keyboard = tuple[Row, ...]


def rows(keys: Sequence[Key], width: int) -> Keyboard:
    return tuple(tuple(keys[i : i + width]) for i in range(0, len(keys), width))


def column(keys: Iterable[Key]) -> Keyboard:
    return tuple((k,) for k in keys)
