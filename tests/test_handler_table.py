"""The shape of handlers/: one table, small named handlers, no Telegram inside a transaction."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler

import handlers
from bot.services.flows import SPECS

ROOT = Path(__file__).parent.parent
MODULES = sorted((ROOT / "handlers").glob("*.py"))
# Names that reach Telegram: an await on one of these inside `async with … uow()` would keep
# the transaction open across the network.
SENDERS = {"update", "query", "message", "chat", "context", "bot", "notify", "edit", "set_menu"}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _opens_uow(node: ast.AsyncWith) -> bool:
    return any("uow" in ast.unparse(item.context_expr).lower() for item in node.items)


def awaits_inside_uow(tree: ast.Module) -> list[str]:
    """Awaited calls in a unit of work's block that are not calls over the unit of work."""
    found = []
    for block in (n for n in ast.walk(tree) if isinstance(n, ast.AsyncWith) and _opens_uow(n)):
        for node in (n for stmt in block.body for n in ast.walk(stmt)):
            if not isinstance(node, ast.Await) or not isinstance(node.value, ast.Call):
                found.append(f"line {node.lineno}") if isinstance(node, ast.Await) else None
                continue
            call, root = node.value, _root(node.value)
            over_uow = bool(call.args) and ast.unparse(call.args[0]) == "uow"
            if root in SENDERS or not (over_uow or root == "uow"):
                found.append(f"line {node.lineno}: {ast.unparse(call)[:60]}")
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_handler_talks_to_telegram_inside_a_unit_of_work(path: Path) -> None:
    assert awaits_inside_uow(_tree(path)) == []


def test_the_check_catches_a_reply_inside_a_unit_of_work() -> None:
    source = """
async def h(update, context):
    async with context.bot_data.uow() as uow:
        view = await sessions.next_session(uow, 1)
        await update.message.reply_text("x")
        await notify(context, 1, "x")
        await helper(view)
    await update.message.reply_text("fine")
"""
    assert len(awaits_inside_uow(ast.parse(source))) == 3


def every_handler() -> list[Callable[..., object]]:
    """Each function of the table: registered, typed-step and per-role /settings handlers."""
    app = ApplicationBuilder().token("1:table").build()
    handlers.register(app)
    found = [h.callback for group in app.handlers.values() for h in group]
    found += [*handlers.TYPED.values(), *handlers.SETTINGS.values(), *app.error_handlers]
    return list({inspect.unwrap(f): None for f in found})  # type: ignore[arg-type]


@pytest.mark.parametrize("handler", every_handler(), ids=lambda f: f.__qualname__)
def test_handlers_are_small_named_and_documented(handler: Callable[..., object]) -> None:
    lines, _ = inspect.getsourcelines(handler)
    body = [line for line in lines if not line.lstrip().startswith("@")]
    assert len(body) <= 25, f"{handler.__qualname__} has {len(body)} lines"
    doc = inspect.getdoc(handler)
    assert doc and "\n" not in doc, f"{handler.__qualname__} needs a one-line docstring"
    first = doc.split()[0]
    assert first[0].isupper() and not first.endswith("ing"), doc  # "Show …", not "Showing …"
    assert handler.__name__ not in ("press", "pressed", "on_button", "typed"), handler.__name__


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_module_registers_handlers_and_no_import_hides_in_a_function(path: Path) -> None:
    tree = _tree(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
            assert not inner, f"{path.name}:{node.name} imports inside a function"
            assert path.name == "__init__.py" or node.name != "register", path.name
    if path.name != "__init__.py":
        assert "add_handler" not in path.read_text(), path.name


def _handler_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("handlers."):
                found.add(node.module.split(".")[1])
            elif node.module == "handlers":
                found.update(alias.name for alias in node.names)
    return found


def test_handler_modules_import_one_another_without_cycles() -> None:
    graph = {p.stem: _handler_imports(p) for p in MODULES if p.name != "__init__.py"}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(
            n == goal or (n not in seen and reaches(n, goal, seen | {n}))
            for n in graph.get(start, ())
        )

    assert [m for m in graph if reaches(m, m, set())] == []


def test_the_table_gives_every_button_handler_an_anchored_pattern() -> None:
    app = ApplicationBuilder().token("1:table").build()
    handlers.register(app)
    buttons = [
        h for group in app.handlers.values() for h in group if isinstance(h, CallbackQueryHandler)
    ]
    *specific, last = buttons
    assert last.pattern is None  # the one for buttons nobody handles, at the very end
    for handler in specific:
        assert isinstance(handler.pattern, re.Pattern), handler.callback.__name__
        assert handler.pattern.pattern.startswith("^"), handler.pattern.pattern


def test_every_step_of_every_flow_has_a_handler_for_typed_text() -> None:
    declared = {(spec.flow, step) for spec in SPECS.values() for step in spec.steps}
    assert declared == set(handlers.TYPED)


def test_the_deep_link_start_comes_before_plain_start_and_flows_end_before_commands() -> None:
    app = ApplicationBuilder().token("1:table").build()
    handlers.register(app)
    starts = [h for h in app.handlers[0] if isinstance(h, CommandHandler) and "start" in h.commands]
    assert [h.has_args for h in starts] == [True, None]
    assert sorted(app.handlers) == [
        handlers.SPEAKING,
        handlers.PRESSES,
        handlers.CHATS,
        handlers.EDITS,
        handlers.COMMANDS,
        handlers.BEFORE,
        0,
    ]
