"""Counters that add up: a team's figures are the sum of its peer workers' figures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Generic, Self, TypeVar


@dataclass(frozen=True)
class Counts:
    """A frozen dataclass of int counters (all defaulting to 0), added field by field."""

    def __add__(self, other: Self) -> Self:
        added = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        return replace(self, **added)

    @classmethod
    def total(cls, parts: Iterable[Self]) -> Self:
        return sum(parts, cls())


Figs = TypeVar("Figs", bound=Counts)


@dataclass(frozen=True)
class WorkerCounts(Generic[Figs]):
    """One peer worker's figures (the digest's or the /team view's), with their name."""

    worker_id: int
    name: str
    figures: Figs
