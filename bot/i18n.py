"""Every sentence in its reader's language: gettext catalogues made with Babel.

The catalogues live in `bot/locale/<language>/LC_MESSAGES/messages.po` (and the compiled
`.mo`, committed; a test checks that it matches the `.po`); the English msgids in the
code are the source language. The reader's language is a context variable, set once for
each update (the person who wrote) and each delivery (its recipient), so texts never pass
a language around:

    _("Welcome, {name}!", name=name)
    _n("{n} session", "{n} sessions", count)        # n is filled in from the count
    BUTTON = N_("I'll be there")  ...  _(BUTTON)    # marked here, translated when read

Placeholders are named (`{name}`), never positional, so a translation may put them in
any order. Lists go through `join` (Babel's list patterns), never ", " and " and ".
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel import Locale
from babel.lists import format_list
from babel.support import Translations

DOMAIN = "messages"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"
# The CLDR locale each language's lists use: British English joins "a, b and c".
_LIST_LOCALES = {"en": "en_GB"}

# The reader's language; unset: the deployment's DEFAULT_LANGUAGE (see `use_default`).
LANGUAGE: ContextVar[str | None] = ContextVar("peerbot_language", default=None)
_default = [SOURCE_LANGUAGE]


@cache
def shipped() -> tuple[str, ...]:
    """The languages the bot speaks: English and each language with a compiled catalogue."""
    found = sorted(
        path.parent.parent.name
        for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")
        if path.parent.parent.name != SOURCE_LANGUAGE
    )
    return (SOURCE_LANGUAGE, *found)


@cache
def translations(language: str) -> gettext.NullTranslations:
    if language == SOURCE_LANGUAGE or language not in shipped():
        return gettext.NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language], DOMAIN)


def use_default(language: str) -> None:
    """The language of readers whose own is not known (DEFAULT_LANGUAGE), set at start."""
    _default[0] = language


def default() -> str:
    return _default[0]


def current() -> str:
    """The reader's language."""
    return LANGUAGE.get() or _default[0]


def locale() -> Locale:
    """The reader's CLDR locale (dates, lists)."""
    return Locale.parse(current())


def pick(code: str | None, default: str) -> str:
    """A shipped language for a stored or Telegram language code ('cy', 'cy-GB'), else
    `default`."""
    if code:
        base = code.replace("_", "-").split("-")[0].casefold()
        if base in shipped():
            return base
    return default


def _(message: str, /, **values: object) -> str:
    """`message` in the reader's language, with its named placeholders filled in."""
    text = translations(current()).gettext(message)
    return text.format(**values) if values else text


def _n(singular: str, plural: str, n: int, /, **values: object) -> str:
    """The form of a counted sentence that the reader's language uses for `n`."""
    text = translations(current()).ngettext(singular, plural, n)
    return text.format(n=n, **values)


def N_(message: str) -> str:
    """Mark a sentence for the catalogue without translating it yet (module constants)."""
    return message


def join(items: Sequence[str]) -> str:
    """'a, b and c' in the reader's language (CLDR's list pattern)."""
    language = current()
    text = format_list(list(items), locale=_LIST_LOCALES.get(language, language))
    if language == "cy":
        # CLDR writes Welsh "and" as "a(c)": "ac" before a vowel, "a" before a consonant.
        last = items[-1] if items else ""
        # (and Welsh style puts no comma before it).
        word = "ac" if last[:1].casefold() in "aeiouwyâêîôûŵŷ" else "a"
        text = text.replace(", a(c) ", f" {word} ").replace(" a(c) ", f" {word} ")
    return text


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Everything said inside the block is said in `language`."""
    token = LANGUAGE.set(language)
    try:
        yield
    finally:
        LANGUAGE.reset(token)


def native_name(language: str) -> str:
    """A language's own name for itself: 'English', 'Cymraeg' (for its button)."""
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


def language_name(language: str) -> str:
    """A language's name in the reader's language: 'Welsh', or in Welsh 'Cymraeg'."""
    name = Locale.parse(language).get_display_name(current()) or language
    return name[:1].upper() + name[1:]
