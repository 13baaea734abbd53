"""The catalogues stay whole (issue 16): every message translated in every shipped language,
the same placeholders, nothing left in English, the compiled catalogue the same as its .po,
no user-facing literal outside the catalogues, and the SPEC §1.2 word check on each."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Mapping
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.i18n import LOCALE_DIR, SOURCE_LANGUAGE, shipped
from tests.test_guarantees import CASE_AS_PERSON, FORBIDDEN_WORDS

ROOT = Path(__file__).parent.parent
LANGUAGES = [language for language in shipped() if language != SOURCE_LANGUAGE]
KEYWORDS = {"_": None, "N_": None, "_n": (1, 2)}
# Welsh words for the people we never call them (with their mutations): "client",
# "patient", "service user", "case" (SPEC §1.2), and diagnosis.
FORBIDDEN_CY = re.compile(
    r"\b((c|g|ngh|ch)(leient\w*|laf|leifion)|h?achos\w*|(d|dd|n)efnydd(iwr|wyr) (g|ng)?wasanaeth"
    r"|\w*diagnos\w*)\b",
    re.I,
)
# Messages that may read the same in a language as in English: names, numbers, symbols.
SAME_EVERYWHERE = {"cy": {"{when} — {peer}, {place} ({length}): {status}"}}


def catalogue(language: str) -> Catalog:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)


def entries(language: str) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(first msgid, every msgid, every msgstr) of each message of a language's .po."""
    found = []
    for message in catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found.append((ids[0], tuple(ids), tuple(strings)))
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@cache
def in_the_code() -> frozenset[str]:
    """Every msgid the code marks (as `scripts/catalogues.sh extract` finds them)."""
    found = set()
    for folder in ("bot", "handlers", "scheduler"):
        for _, _, message, _, _ in extract_from_dir(ROOT / folder, keywords=KEYWORDS):
            found.add(message[0] if isinstance(message, tuple) else message)
    return frozenset(found)


def marked_in_the_code() -> set[str]:
    """Every literal the code passes to _, _n or N_, read from the code itself (Babel's
    extractor skips a marked literal nested inside another one's arguments)."""
    found = set()
    for folder in ("bot", "handlers", "scheduler"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", None) in KEYWORDS
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.add(node.args[0].value)
    return found


def test_every_marked_literal_is_extracted() -> None:
    assert sorted(marked_in_the_code() - in_the_code()) == []


def test_we_ship_welsh() -> None:
    assert "cy" in LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_code_is_in_the_catalogue_and_translated(language: str) -> None:
    listed = catalogue(language)
    missing = sorted(m for m in in_the_code() if m not in listed)
    assert missing == [], "run scripts/catalogues.sh extract, then translate"
    untranslated = [first for first, _, strings in entries(language) if not all(strings)]
    fuzzy = [m.id for m in listed if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_template_is_the_code_s_messages(language: str) -> None:
    with (LOCALE_DIR / "messages.pot").open("rb") as pot:
        template = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(pot) if m.id}
    assert template == in_the_code()
    assert {first for first, _, _ in entries(language)} == template  # no obsolete ones kept


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_translation_has_the_placeholders_of_its_message(language: str) -> None:
    for first, ids, strings in entries(language):
        wanted = placeholders(ids[-1])
        assert all(placeholders(i) <= wanted | {"n"} for i in ids), first
        for text in strings:
            assert placeholders(text) == wanted, (first, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_left_in_english(language: str) -> None:
    allowed = SAME_EVERYWHERE.get(language, set())
    for first, ids, strings in entries(language):
        # Only placeholders, numbers and punctuation: nothing to translate.
        words = re.sub(r"\{\w+\}|\d+", "", first)
        if not any(c.isalpha() for c in words) or first in allowed:
            continue
        assert all(text not in ids for text in strings), (first, strings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plural_forms_are_the_language_s_own(language: str) -> None:
    rule = get_plural(language)
    listed = catalogue(language)
    assert listed.num_plurals == rule.num_plurals
    assert listed.plural_expr == rule.plural_expr
    for first, ids, strings in entries(language):
        if len(ids) > 1:
            assert len(strings) == rule.num_plurals, first


def test_welsh_has_six_plural_forms_and_says_it_awaits_a_fluent_reviewer() -> None:
    po = (LOCALE_DIR / "cy" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert "nplurals=6;" in po
    assert "await review by a fluent Welsh speaker" in po


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_the_po(language: str) -> None:
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    with (folder / "messages.mo").open("rb") as mo:
        compiled = read_mo(mo)
    fresh = BytesIO()
    write_mo(fresh, catalogue(language))
    fresh.seek(0)
    expected = read_mo(fresh)
    as_pairs = lambda c: sorted((str(m.id), str(m.string)) for m in c if m.id)  # noqa: E731
    assert as_pairs(compiled) == as_pairs(expected), "run scripts/catalogues.sh compile"


def test_the_english_messages_use_none_of_the_words_we_never_use() -> None:
    for _first, ids, _ in entries(LANGUAGES[0]):
        for text in ids:
            assert not FORBIDDEN_WORDS.search(text), text
            assert not CASE_AS_PERSON.search(text), text


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_uses_none_of_the_words_we_never_use(language: str) -> None:
    for first, _, strings in entries(language):
        for text in strings:
            assert not FORBIDDEN_WORDS.search(text), (first, text)
            assert not CASE_AS_PERSON.search(text), (first, text)
            assert not FORBIDDEN_CY.search(text), (first, text)


def test_the_welsh_word_check_catches_them() -> None:
    for said in ("ein cleientiaid", "y claf", "eich achos", "ei hachos", "defnyddwyr gwasanaeth"):
        assert FORBIDDEN_CY.search(said), said
    assert not FORBIDDEN_CY.search("Rydych chi yma fel cymar. Gan fod y clociau'n newid")


# -- no user-facing literal outside the catalogues ------------------------------------

# Calls whose text a person reads (replies, sends, edits, pop-ups, button labels, menus),
# and the place of that text among their arguments.
SAYING = {
    "reply": 1, "reply_text": 0, "send_message": 1, "edit_message_text": 0, "edit": 1,
    "show": 1, "settle": 1, "answer": 0, "notify": 2, "tell": 1, "Key": 0,
    "InlineKeyboardButton": 0, "Part": 0, "BotCommand": 1,
}  # fmt: skip
SAID_AS = {"text", "caption", "label", "answer", "description"}


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


NOT_WORDS = re.compile(r"\{\w+\}")


def _words(node: ast.expr, not_words: re.Pattern[str] = NOT_WORDS) -> bool:
    """Whether an argument is written-out words rather than the catalogue's."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(c.isalpha() for c in not_words.sub("", node.value))
    if isinstance(node, ast.JoinedStr):
        parts = [part for part in node.values if isinstance(part, ast.Constant)]
        return any(_words(part, not_words) for part in parts)
    if isinstance(node, ast.Attribute):  # t.BUTTON_X: a marked sentence never translated
        return re.fullmatch(r"[A-Z][A-Z0-9_]+", node.attr) is not None
    if isinstance(node, ast.BinOp):
        return _words(node.left, not_words) or _words(node.right, not_words)
    if isinstance(node, ast.IfExp):
        return _words(node.body, not_words) or _words(node.orelse, not_words)
    return False


def literals_said(
    source: str,
    saying: Mapping[str, int | None] = SAYING,
    said_as: set[str] = SAID_AS,
    not_words: re.Pattern[str] = NOT_WORDS,
) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        said: list[ast.expr] = []
        if isinstance(node, ast.Call) and (name := _name(node)) in saying:
            at = saying[name]
            said = [] if at is None else node.args[at : at + 1]
            said += [k.value for k in node.keywords if k.arg in said_as]
        elif isinstance(node, ast.Return) and node.value is not None and "return" in saying:
            said = [node.value]
        found += [
            f"line {node.lineno}: {ast.unparse(a)[:50]}" for a in said if _words(a, not_words)
        ]
    return found


SPEAKING_CODE = sorted(
    path
    for folder in ("handlers", "scheduler", "bot/keyboards")
    for path in (ROOT / folder).glob("*.py")
    # The digest's and its settings' own texts are converted by their feature (issue 16).
    if path.name not in ("team.py", "settings.py") or folder == "scheduler"
)


@pytest.mark.parametrize("path", SPEAKING_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_words_are_written_out_where_the_bot_speaks(path: Path) -> None:
    assert literals_said(path.read_text(encoding="utf-8")) == []


# The sandbox's own lines (issue 16): what it prints, its errors, the lines and reasons its
# functions return for printing, and what it shows in place of a typed token.
SANDBOX_SAYING: dict[str, int | None] = {
    **SAYING, "say": 0, "_say": 0, "out": 0, "SandboxError": 0, "return": 0, "append": 0,
    "send": None,  # Chat.send: only what it shows (`shown=`); its text is the person's
}  # fmt: skip
SANDBOX_SAID_AS = SAID_AS | {"shown"}
# Not words in the sandbox: placeholders; the transcript's markers ("bot> ", "bot (edited)> ",
# "bot (pop-up)> ", "bot → Sam (peer)> "), which scripts and tests read in every language;
# and the SQLite URL of its database.
SANDBOX_NOT_WORDS = re.compile(r"\{\w+\}|^bot\b( \(pop-up\)> )?|^sqlite\+aiosqlite:///$")
SANDBOX_CODE = sorted((ROOT / "bot" / "sandbox").glob("*.py"))


@pytest.mark.parametrize("path", SANDBOX_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_words_are_written_out_where_the_sandbox_speaks(path: Path) -> None:
    saying = dict(SANDBOX_SAYING)
    if path.name == "files.py":  # its functions return file names (`invite-qr-sam`)
        del saying["return"]
    source = path.read_text(encoding="utf-8")
    assert literals_said(source, saying, SANDBOX_SAID_AS, SANDBOX_NOT_WORDS) == []


def test_the_literal_check_catches_words_and_lets_the_catalogue_through() -> None:
    source = """
async def h(update, query):
    await reply(update, "Hello there")
    await query.answer(text=f"Saved {n}")
    keys = [Key("Yes", "x"), Key(_(t.BUTTON_YES), "y"), Key(name, "z"), Key("✓ " + label, "w")]
    await reply(update, _("Hello there"))
    await show(query, t.SAVED if done else _(t.KEPT))
"""
    assert [found.split(":")[0] for found in literals_said(source)] == [
        "line 3",
        "line 4",
        "line 5",
        "line 7",
    ]


def test_the_sandbox_check_catches_its_lines_and_lets_its_markers_through() -> None:
    source = """
def f(self, actor):
    self.screen.say("(no answer from the bot yet)")
    self.out(f"bot (pop-up)> {text}")
    await chat.send(peer, token, shown="/start <invitation>")
    return f"{stamp}bot{edit} → {actor.title}>"
    return f"[{what} saved: {path}]"
    self.screen.say(_("(no answer from the bot yet)"))
"""
    found = literals_said(source, SANDBOX_SAYING, SANDBOX_SAID_AS, SANDBOX_NOT_WORDS)
    assert sorted(line.split(":")[0] for line in found) == ["line 3", "line 5", "line 7"]
