"""Layers a machine checks: services reach the database only through the unit of work's
repositories — never its session, never a repository they build themselves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot import texts

SERVICES = Path(__file__).resolve().parent.parent / "bot" / "services"

# Being moved onto the unit of work on another branch; the marks go at the merge.


def offences(source: str) -> list[str]:
    """Each place the source touches `uow.session` or calls a `…Repository(` itself."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "session"
            and isinstance(node.value, ast.Name)
            and node.value.id.endswith("uow")
        ):
            found.append((node.lineno, f"{node.value.id}.session"))
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name.endswith("Repository"):
                found.append((node.lineno, f"builds {name}"))
    return [f"line {line}: {what}" for line, what in sorted(found)]


@pytest.mark.parametrize("path", sorted(SERVICES.glob("*.py")), ids=lambda p: p.name)
def test_a_service_uses_only_the_unit_of_works_repositories(path: Path) -> None:
    assert offences(path.read_text(encoding="utf-8")) == []


def test_the_check_sees_a_session_and_a_repository_built_by_hand() -> None:
    source = (
        "async def f(uow):\n"
        "    await uow.session.get(X, 1)\n"
        "    StrategyRepository(uow.session).of_peer(1)\n"
        "    repositories.TeamRepository(s)\n"
        "    await uow.strategies.of_peer(1)\n"
    )
    assert offences(source) == [
        "line 2: uow.session",
        "line 3: builds StrategyRepository",
        "line 3: uow.session",
        "line 4: builds TeamRepository",
    ]


def _problem_keys() -> set[str]:
    """Every problem key a service raises as BadInput("key", …)."""
    keys: set[str] = set()
    for path in SERVICES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "BadInput"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                keys.add(str(node.args[0].value))
    return keys


def test_every_problem_a_service_raises_has_words_in_a_catalogue() -> None:
    keys = _problem_keys()
    assert len(keys) > 20
    assert sorted(keys - set(texts.INPUT_PROBLEMS)) == []
