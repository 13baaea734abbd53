"""No module of the bot grows past 300 lines (STYLE.md); migrations are left out."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = ("bot", "handlers", "scheduler", "storage")
LIMIT = 300
# Over the limit today and being split on another branch: each xfails (not strictly, so a
# split one passes) until the lead, after merging those splits, empties this set.
SPLIT_ELSEWHERE = {"bot/texts/sessions.py", "bot/cli.py", "handlers/__init__.py"}


def _modules() -> list[str]:
    paths = (path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))
    names = (path.relative_to(ROOT).as_posix() for path in paths)
    return sorted(name for name in names if not name.startswith("storage/migrations/"))


def _param(name: str) -> object:
    if name not in SPLIT_ELSEWHERE:
        return name
    return pytest.param(name, marks=pytest.mark.xfail(reason="split elsewhere", strict=False))


@pytest.mark.parametrize("name", [_param(name) for name in _modules()])
def test_a_module_stays_under_the_line_limit(name: str) -> None:
    lines = len((ROOT / name).read_text().splitlines())
    assert lines <= LIMIT, f"{name} has {lines} lines; split it by feature"
