"""Guarantees that hold for the whole code base, checked on every run."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot import texts
from storage.models import Base

ROOT = Path(__file__).parent.parent
TELEGRAM_ALLOWED = ("handlers/", "scheduler/", "bot/app.py")
FORBIDDEN_WORDS = re.compile(r"\b(clients?|patients?|service[ -]users?|diagnos\w*)\b", re.I)
# "case" only as a noun for a person ("your case"); "caseload" is a staff word and fine.
CASE_AS_PERSON = re.compile(r"\b(a|the|your|my|our|their|his|her|new)\s+cases?\b", re.I)


def python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in (ROOT / folder).rglob("*.py")]


@pytest.mark.parametrize(
    "path", python_files("bot", "storage"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_only_handlers_scheduler_and_the_app_import_telegram(path: Path) -> None:
    relative = path.relative_to(ROOT).as_posix()
    if relative.startswith(TELEGRAM_ALLOWED):
        return
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        assert not any(n == "telegram" or n.startswith("telegram.") for n in names), relative


def every_text() -> list[str]:
    """Every string a person can read: catalogue strings and the functions' template parts."""
    found: list[str] = []
    for module in Path(texts.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append(node.value)
    return found


def test_texts_never_use_words_we_do_not_use_for_people() -> None:
    strings = every_text()
    assert len(strings) > 30
    for text in strings:
        assert not FORBIDDEN_WORDS.search(text), text
        assert not CASE_AS_PERSON.search(text), text


def test_no_column_records_a_diagnosis_condition_medication_or_risk() -> None:
    pattern = re.compile(r"diagnos|condition|medic|medication|risk|symptom|disorder", re.I)
    for table in Base.metadata.tables.values():
        for column in table.columns:
            assert not pattern.search(column.name), f"{table.name}.{column.name}"
        assert not pattern.search(table.name), table.name
