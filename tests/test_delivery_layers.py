"""The delivery code keeps its layers: no Bot API call inside a unit of work in scheduler/,
and the delivery services reach the database only through `uow`'s repositories."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEDULER = sorted((ROOT / "scheduler").glob("*.py"))
DELIVERY_SERVICES = [
    ROOT / "bot" / "services" / name
    for name in ("deliveries.py", "delivery_plan.py", "delivery_times.py")
]
# What talks to Telegram from the scheduler: the Sender and the bot, under any name.
NETWORK_NAMES = {"bot", "sender"}
NETWORK_METHODS = {"send", "send_part", "send_message", "send_photo", "send_document"}


def _opens_a_unit_of_work(node: ast.AsyncWith) -> bool:
    return any(
        "UnitOfWork" in ast.unparse(item.context_expr) or "uow" in ast.unparse(item.context_expr)
        for item in node.items
    )


def _talks_to_telegram(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in NETWORK_METHODS:
        return True
    names = {n.id for n in ast.walk(func) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(func) if isinstance(n, ast.Attribute)}
    return bool(names & NETWORK_NAMES)


def network_calls_inside_a_unit_of_work(source: str) -> list[str]:
    """`line: call` for every awaited Bot API / Sender call inside `async with …uow…`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.AsyncWith) and _opens_a_unit_of_work(node):
            for inner in ast.walk(ast.Module(body=node.body, type_ignores=[])):
                if (
                    isinstance(inner, ast.Await)
                    and isinstance(inner.value, ast.Call)
                    and _talks_to_telegram(inner.value)
                ):
                    found.append(f"{inner.lineno}: {ast.unparse(inner.value)}")
    return found


def test_the_check_catches_a_send_inside_a_unit_of_work() -> None:
    bad = (
        "async def deliver(self, due):\n"
        "    async with self._writes, UnitOfWork(self.db) as uow:\n"
        "        result = await self.sender.send(due.telegram_id, parts)\n"
        "        await deliveries.record(uow, due.delivery_id)\n"
        "    async with data.uow() as uow:\n"
        "        await context.bot.send_message(1, 'x')\n"
    )
    assert network_calls_inside_a_unit_of_work(bad) == [
        "3: self.sender.send(due.telegram_id, parts)",
        "6: context.bot.send_message(1, 'x')",
    ]
    good = (
        "async def deliver(self, due):\n"
        "    async with UnitOfWork(self.db) as uow:\n"
        "        parts = await build(uow)\n"
        "    result = await self.sender.send(due.telegram_id, parts)\n"
    )
    assert network_calls_inside_a_unit_of_work(good) == []


@pytest.mark.parametrize("path", SCHEDULER, ids=lambda p: p.name)
def test_the_scheduler_commits_before_it_calls_telegram(path: Path) -> None:
    assert network_calls_inside_a_unit_of_work(path.read_text()) == []


@pytest.mark.parametrize("path", DELIVERY_SERVICES, ids=lambda p: p.name)
def test_delivery_services_use_only_the_unit_of_works_repositories(path: Path) -> None:
    tree = ast.parse(path.read_text())
    touches_session = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "session"
        and isinstance(node.value, ast.Name)
        and node.value.id == "uow"
    ]
    builds_repository = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id.endswith("Repository")
    ]
    imports_sqlalchemy = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy")
    ]
    assert (touches_session, builds_repository, imports_sqlalchemy) == ([], [], [])
